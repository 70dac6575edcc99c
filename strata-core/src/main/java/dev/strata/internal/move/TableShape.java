package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.Identifiers;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The columns of one application table as the catalog of one side describes them: name, type as
 * {@code format_type} spells it (values are cast with it, never concatenated), identity and
 * generation. Immutable.
 *
 * @param schema  the schema
 * @param table   the table (a partitioned table is its root)
 * @param columns the columns in attribute order, dropped ones excluded
 */
record TableShape(String schema, String table, List<Column> columns) {

    /** One column. {@code identityAlways}: {@code GENERATED ALWAYS AS IDENTITY} (inserts need OVERRIDING SYSTEM VALUE). */
    record Column(String name, String type, boolean identityAlways, boolean generated) {
    }

    TableShape {
        columns = List.copyOf(columns);
    }

    /** Reads a table's shape; a missing table is an error naming it. */
    static TableShape read(Connection c, String schema, String table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attidentity = 'a', a.attgenerated <> ''
                  FROM pg_attribute a
                  JOIN pg_class t ON t.oid = a.attrelid
                  JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE n.nspname = ? AND t.relname = ? AND t.relkind IN ('r', 'p')
                   AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new StrataException(ErrorCode.MOVE_REFUSED, "Table " + schema + "." + table
                    + " does not exist in database " + c.getCatalog() + ": the target must be provisioned at the source's schema version");
        }
        return new TableShape(schema, table, columns);
    }

    String qualified() {
        return Identifiers.qualified(schema, table);
    }

    Column column(String name) {
        for (Column column : columns) {
            if (column.name().equals(name)) {
                return column;
            }
        }
        return null;
    }

    boolean hasIdentityAlways() {
        return columns.stream().anyMatch(Column::identityAlways);
    }

    /**
     * The columns a copy and a checksum carry: the stored (not generated) columns of this side,
     * checked to exist with the same type on the other side.
     */
    List<String> copiedColumns(TableShape other) {
        List<String> out = new ArrayList<>();
        for (Column column : columns) {
            if (column.generated()) {
                continue;
            }
            Column there = other.column(column.name());
            if (there == null || there.generated() || !there.type().equals(column.type())) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Column " + column.name() + " of table " + table
                        + " differs between " + schema + " and " + other.schema()
                        + ": source and target must be at the same schema version");
            }
            out.add(column.name());
        }
        for (Column column : other.columns) {
            if (!column.generated() && column(column.name()) == null) {
                throw new StrataException(ErrorCode.MOVE_REFUSED, "Column " + column.name() + " of table " + table
                        + " exists in " + other.schema() + " but not in " + schema
                        + ": source and target must be at the same schema version");
            }
        }
        return out;
    }

    /** {@code "a", "b"}: quoted column names. */
    static String columnList(List<String> names) {
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
    }

    /** The scope's tenant ids as a {@code uuid[]} literal (UUIDs only: safe to write into COPY's SQL). */
    static String tenantArrayLiteral(List<UUID> tenantIds) {
        return Identifiers.literal(tenantIds.stream().map(UUID::toString).collect(Collectors.joining(",", "{", "}"))) + "::uuid[]";
    }

    /** Name to column, for lookups by name. */
    Map<String, Column> byName() {
        Map<String, Column> out = new LinkedHashMap<>();
        columns.forEach(c -> out.put(c.name(), c));
        return out;
    }
}
