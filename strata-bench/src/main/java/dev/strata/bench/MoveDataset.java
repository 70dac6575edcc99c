package dev.strata.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Benchmark 9's tenant data: {@code rows} rows of one tenant spread over the four tables of
 * {@code db/bench-shop} (customers 10 %, orders 30 %, order lines 40 %, events 20 %, over all
 * three partitions), consistent under the foreign keys, written in bulk as the administrator.
 */
final class MoveDataset {
    /** The tenant tables in foreign-key order (parents first); {@code events} is partitioned. */
    static final List<String> TABLES = List.of("customers", "orders", "order_lines", "events");

    private MoveDataset() {
    }

    /** Writes the tenant's rows into {@code schema} of the connection's database; returns rows per table. */
    static Map<String, Long> load(Connection c, String schema, UUID tenant, long rows) throws SQLException {
        long customers = Math.max(1, rows / 10);
        long orders = Math.max(1, rows * 3 / 10);
        long lines = Math.max(1, rows * 4 / 10);
        long events = Math.max(1, rows - customers - orders - lines);
        String s = "\"" + schema + "\".";
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            // consistent by construction: the foreign keys' triggers would only slow the load
            st.execute("SET LOCAL session_replication_role = replica");
            insert(c, "INSERT INTO " + s + "customers (tenant_id, id, name, email, profile) "
                    + "SELECT p.t::uuid, md5(p.t || ':c:' || g)::uuid, 'customer ' || g, 'customer.' || g || '@example.test', "
                    + "jsonb_build_object('vip', g % 7 = 0, 'tags', jsonb_build_array('bench', g % 13), 'since', 2000 + g % 25) "
                    + "FROM p, generate_series(1, ?) g", tenant, customers, 0);
            insert(c, "INSERT INTO " + s + "orders (tenant_id, id, customer_id, currency, placed_at, attributes) "
                    + "SELECT p.t::uuid, md5(p.t || ':o:' || g)::uuid, md5(p.t || ':c:' || (1 + g % ?))::uuid, "
                    + "(ARRAY['EUR', 'USD', 'JPY'])[1 + g % 3], timestamptz '2025-01-01' + g * interval '1 minute', "
                    + "jsonb_build_object('note', 'order ' || g, 'channel', CASE WHEN g % 2 = 0 THEN 'web' ELSE 'store' END) "
                    + "FROM p, generate_series(1, ?) g", tenant, orders, customers);
            insert(c, "INSERT INTO " + s + "order_lines (tenant_id, order_id, sku, quantity, unit_price) "
                    + "SELECT p.t::uuid, md5(p.t || ':o:' || (1 + g % ?))::uuid, 'sku-' || (g % 5000), 1 + g % 9, "
                    + "((g % 10000) / 100.0)::numeric(12, 2) FROM p, generate_series(1, ?) g", tenant, lines, orders);
            insert(c, "INSERT INTO " + s + "events (tenant_id, occurred_at, kind, order_id, payload) "
                    + "SELECT p.t::uuid, timestamptz '2025-01-01' + (g % 1100) * interval '1 day' + g * interval '1 second', "
                    + "'event ' || (g % 20), md5(p.t || ':o:' || (1 + g % ?))::uuid, "
                    + "jsonb_build_object('seq', g, 'source', 'bench') FROM p, generate_series(1, ?) g", tenant, events, orders);
            c.commit();
            st.execute("ANALYZE " + s + "customers, " + s + "orders, " + s + "order_lines, " + s + "events");
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("customers", customers);
        out.put("orders", orders);
        out.put("order_lines", lines);
        out.put("events", events);
        return out;
    }

    /** {@code sql} reads the tenant as {@code p.t}; its parameters are {@code modulo} (if positive) and {@code count}. */
    private static void insert(Connection c, String sql, UUID tenant, long count, long modulo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH p AS (SELECT ?::text AS t) " + sql)) {
            int i = 1;
            ps.setString(i++, tenant.toString());
            if (modulo > 0) {
                ps.setLong(i++, modulo);
            }
            ps.setLong(i, count);
            ps.executeUpdate();
        }
    }
}
