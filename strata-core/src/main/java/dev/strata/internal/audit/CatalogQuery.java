package dev.strata.internal.audit;

import dev.strata.audit.AuditFinding;
import dev.strata.audit.AuditSeverity;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One catalog query of the audit, read from a {@code .sql} resource: the shared CTEs of its scope
 * ({@code _common.sql}) followed by the check's {@code SELECT}, which returns
 * {@code severity, database, object, message}. Parameters are written {@code :name} (the syntax psql
 * also understands, so a query can be tried by hand) and bound by name: a {@code String[]} as
 * {@code text[]}, anything else as text. Immutable and thread-safe.
 */
final class CatalogQuery {
    private final String check;
    private final String resource;
    private final String sql;
    private final List<String> parameters;

    private CatalogQuery(String check, String resource, String sql, List<String> parameters) {
        this.check = check;
        this.resource = resource;
        this.sql = sql;
        this.parameters = parameters;
    }

    /** Loads {@code audit/<scope>/_common.sql} and {@code audit/<scope>/<check>.sql}. */
    static CatalogQuery load(String scope, String check) {
        String base = "audit/" + scope + "/";
        String text = read(base + "_common.sql") + "\n" + read(base + check + ".sql");
        List<String> parameters = new ArrayList<>();
        return new CatalogQuery(check, base + check + ".sql", toPositional(text, parameters), List.copyOf(parameters));
    }

    String check() {
        return check;
    }

    /** Runs the query with the given parameters and maps each row to a finding of this check. */
    List<AuditFinding> run(Connection connection, Map<String, Object> arguments) throws SQLException {
        List<AuditFinding> findings = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.size(); i++) {
                String name = parameters.get(i);
                if (!arguments.containsKey(name)) {
                    throw new IllegalStateException(resource + " needs parameter :" + name);
                }
                Object value = arguments.get(name);
                if (value == null) {
                    ps.setNull(i + 1, Types.VARCHAR);
                } else if (value instanceof String[] array) {
                    ps.setArray(i + 1, connection.createArrayOf("text", array));
                } else {
                    ps.setString(i + 1, value.toString());
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.add(new AuditFinding(AuditSeverity.valueOf(rs.getString("severity")), check,
                            rs.getString("database"), rs.getString("object"), rs.getString("message")));
                }
            }
        }
        return findings;
    }

    /**
     * Replaces each {@code :name} outside string literals, quoted identifiers and comments with
     * {@code ?}, recording the names in order; drops {@code --} comments (the driver must not see a
     * {@code ?} in them). {@code ::} casts are left alone. Dollar quoting is not supported.
     */
    static String toPositional(String text, List<String> parameters) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\'' || c == '"') {
                int end = i + 1;
                while (end < n) {
                    if (text.charAt(end) == c) {
                        if (end + 1 < n && text.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                if (end >= n) {
                    throw new IllegalArgumentException("Unterminated " + c + " in audit query");
                }
                out.append(text, i, end + 1);
                i = end + 1;
            } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '$') {
                throw new IllegalArgumentException("Dollar quoting is not supported in audit queries");
            } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
                out.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && isNameStart(text.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && isNamePart(text.charAt(end))) {
                    end++;
                }
                parameters.add(text.substring(i + 1, end));
                out.append('?');
                i = end;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static boolean isNameStart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z');
    }

    private static boolean isNamePart(char c) {
        return isNameStart(c) || (c >= '0' && c <= '9');
    }

    private static String read(String resource) {
        try (InputStream in = CatalogQuery.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing audit query " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }
}
