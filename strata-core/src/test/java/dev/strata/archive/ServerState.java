package dev.strata.archive;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an operation could have written, captured so a test can prove it wrote nothing: the
 * registry (tenants, databases, journal, events), every database of the namespace, and in each
 * of them the schemas, the local tenant registry and the row count of every tenant table.
 */
record ServerState(List<String> tenants, Map<String, Long> managementCounts, Map<String, List<String>> databases) {

    static ServerState of(Strata strata) throws SQLException {
        List<String> tenants = strata.tenants().list().stream()
                .map(t -> t.id() + " " + t.slug() + " " + t.status() + " " + t.placement()).toList();
        String ns = strata.config().namespace();
        Map<String, Long> counts = new TreeMap<>();
        try (Connection m = TestStrata.admin(ns)) {
            for (String table : List.of("tenants", "placements", "databases", "operations", "tenant_events")) {
                counts.put(table, count(m, "SELECT count(*) FROM platform." + table));
            }
        }
        Map<String, List<String>> databases = new TreeMap<>();
        for (String db : list("postgres", "SELECT datname FROM pg_database WHERE datname LIKE ? || '\\_%' AND datallowconn ORDER BY 1", ns)) {
            List<String> contents = new ArrayList<>(list(db,
                    "SELECT 'schema ' || nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' AND ? <> '' ORDER BY 1", ns));
            contents.addAll(list(db, "SELECT 'local ' || id || ' ' || slug FROM platform.tenants WHERE ? <> '' ORDER BY 1", ns));
            contents.addAll(list(db, """
                    SELECT 'rows ' || n.nspname || '.' || c.relname || ' ' ||
                           (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
                      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'platform') AND ? <> ''
                     ORDER BY 1""", ns));
            databases.put(db, contents);
        }
        return new ServerState(tenants, counts, databases);
    }

    static boolean hasTenant(Strata strata, String slug) {
        return strata.tenants().list().stream().map(Tenant::slug).anyMatch(slug::equals);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> list(String database, String sql, String parameter) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(database); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, parameter);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
