package dev.strata.internal.archive;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a schema's archived tenant tables from the catalog: every table with a {@code tenant_id}
 * column except partitions; views and tables without {@code tenant_id} (shared reference data) hold
 * no tenant rows of their own and are never archived.
 */
final class TenantTableCatalog {
    private static final String COLUMNS = """
            SELECT a.attname FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
             ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname, a.attcollation <> 0 FROM pg_index i
              JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
             WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary
             ORDER BY k.position""";
    /**
     * The archived tables: those with a {@code tenant_id} column that are not partitions (a
     * partitioned table's rows are archived and restored through the partitioned table itself,
     * which routes them to their partitions, so no row is archived twice).
     */
    private static final String TABLES = """
            SELECT c.relname FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
             WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             ORDER BY c.relname""";
    /**
     * The sequences that hand out a table's column values: identity columns and columns owned by
     * a sequence ({@code serial}), with the sequence's direction.
     */
    private static final String SEQUENCES = """
            SELECT a.attname, format('%I.%I', sn.nspname, s.relname), q.seqincrement > 0
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
              JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid AND d.refobjsubid = a.attnum
                              AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
              JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
              JOIN pg_namespace sn ON sn.oid = s.relnamespace
              JOIN pg_sequence q ON q.seqrelid = s.oid
             WHERE n.nspname = ? AND c.relname = ?
             ORDER BY a.attnum""";
    private TenantTableCatalog() {
    }

    /**
     * The tenant tables of a schema by name, in foreign-key order: a table comes after the tables
     * it references (ties by name), so loading in this order satisfies every foreign key.
     */
    static Map<String, TenantTable> read(Connection c, String schema) throws SQLException {
        Map<String, TenantTable> byName = new HashMap<>();
        for (String table : archivedTables(c, schema)) {
            byName.put(table, new TenantTable(schema, table, columns(c, schema, table), primaryKey(c, schema, table),
                    sequences(c, schema, table)));
        }
        Map<String, TenantTable> ordered = new LinkedHashMap<>();
        for (String table : dev.strata.internal.sql.ForeignKeyOrder.referencedFirst(c, schema, byName.keySet())) {
            ordered.put(table, byName.get(table));
        }
        return ordered;
    }

    private static List<String> archivedTables(Connection c, String schema) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<TenantTable.Sequence> sequences(Connection c, String schema, String table) throws SQLException {
        List<TenantTable.Sequence> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(SEQUENCES)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new TenantTable.Sequence(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return out;
    }

    private static List<String> columns(Connection c, String schema, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(COLUMNS)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!TenantTable.TENANT_ID.equals(rs.getString(1))) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static List<TenantTable.SortKey> primaryKey(Connection c, String schema, String table) throws SQLException {
        List<TenantTable.SortKey> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PRIMARY_KEY)) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (!TenantTable.TENANT_ID.equals(rs.getString(1))) {
                        out.add(new TenantTable.SortKey(rs.getString(1), rs.getBoolean(2)));
                    }
                }
            }
        }
        return out;
    }
}
