package dev.strata;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How to reach one PostgreSQL server as its administrator: a superuser, or a role with CREATEDB
 * and CREATEROLE. Strata creates its management database, template and tenant databases there.
 *
 * <p>A URL with {@code pgbouncer=true} (Neon's and Prisma's convention) names a pooled endpoint:
 * PgBouncer in transaction mode, or Neon's {@code -pooler} host (see {@link #pooledEndpoint()}).
 * The parameter is Strata's, never sent to the driver.
 *
 * <p>{@link #toString()} never shows the password.
 *
 * @param host      host name or address
 * @param port      TCP port
 * @param user      administrator role
 * @param password  its password, {@code null} where the server needs none
 * @param database  the existing database used to bootstrap (usually {@code postgres})
 * @param options   extra pgjdbc connection properties (e.g. {@code sslmode})
 */
public record PostgresServer(String host, int port, String user, String password, String database,
                             Map<String, String> options) {

    public PostgresServer {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        if (port <= 0 || port > 65535) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Port " + port + " is out of range 1-65535");
        }
        database = database == null || database.isBlank() ? "postgres" : database;
        options = Map.copyOf(options == null ? Map.of() : options);
    }

    /**
     * Parses a libpq URL ({@code postgresql://user:pass@host:5432/db?sslmode=require}) or a JDBC URL
     * ({@code jdbc:postgresql://host:5432/db?user=u&password=p}).
     *
     * @throws StrataException {@link ErrorCode#INVALID_CONFIGURATION} naming what is wrong with the URL
     */
    public static PostgresServer parse(String url) {
        if (url == null || url.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The database URL is empty");
        }
        String text = url.trim();
        if (text.startsWith("jdbc:")) {
            text = text.substring("jdbc:".length());
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "Unsupported database URL '" + redact(url) + "': use postgresql://user:password@host:port/database "
                            + "or jdbc:postgresql://host:port/database?user=...&password=...");
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "Malformed database URL '" + redact(url) + "'");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                params.put(key, value);
            }
        }
        String user = params.remove("user");
        String password = params.remove("password");
        if (uri.getRawUserInfo() != null) {
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            user = decode(colon < 0 ? info : info.substring(0, colon));
            if (colon >= 0) {
                password = decode(info.substring(colon + 1));
            }
        }
        String host = uri.getHost();
        if (host == null || host.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "The database URL '" + redact(url) + "' names no host");
        }
        if (user == null || user.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION,
                    "The database URL '" + redact(url) + "' names no user: add user:password@ before the host");
        }
        String path = uri.getPath();
        String database = path == null || path.length() <= 1 ? "postgres" : decode(path.substring(1));
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        return new PostgresServer(host, port, user, password, database, params);
    }

    /** The URL parameter that marks a pooled endpoint. */
    public static final String POOLED_PARAMETER = "pgbouncer";

    /**
     * Whether this address is a pooled endpoint (PgBouncer in transaction mode, Neon's pooler):
     * the URL said {@code pgbouncer=true}, or the host's first label ends with {@code -pooler}
     * (Neon's pooled host names).
     */
    public boolean pooledEndpoint() {
        String flag = options.get(POOLED_PARAMETER);
        if (flag != null) {
            return flag.equalsIgnoreCase("true") || flag.equals("1");
        }
        int dot = host.indexOf('.');
        return (dot < 0 ? host : host.substring(0, dot)).endsWith("-pooler");
    }

    /** The pgjdbc connection properties of {@link #options()}: without Strata's own {@link #POOLED_PARAMETER}. */
    public Map<String, String> driverOptions() {
        if (!options.containsKey(POOLED_PARAMETER)) {
            return options;
        }
        Map<String, String> out = new LinkedHashMap<>(options);
        out.remove(POOLED_PARAMETER);
        return Map.copyOf(out);
    }

    /** A JDBC URL for the given database on this server, without credentials. */
    public String jdbcUrl(String databaseName) {
        String base = "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/"
                + java.net.URLEncoder.encode(databaseName, StandardCharsets.UTF_8);
        Map<String, String> options = driverOptions();
        if (options.isEmpty()) {
            return base;
        }
        return base + "?" + options.entrySet().stream()
                .map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** A printable form, with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        return "postgresql://" + user + (password == null ? "" : ":***") + "@" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Hides the password in a URL given by a user, for error messages. */
    static String redact(String url) {
        return url.replaceAll("(://[^:/@]*:)[^@]*@", "$1***@").replaceAll("(?i)(password=)[^&]*", "$1***");
    }
}
