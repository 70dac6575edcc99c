package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.routing.Route;
import dev.strata.testing.AdminConnections;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Places and ground truth for the capture tests on the shop schema: the endpoint (plane, database,
 * schema) of a tenant as Strata routes it, tenants created to hold a target schema or database,
 * the scope of the shop's tenant tables, row listings read as the administrator, and the
 * replication artefacts left on the shared server.
 */
final class CaptureFixture {
    /** The shop's tenant tables (currencies is reference data and is not moved). */
    static final List<String> SHOP_TABLES = List.of("customers", "orders", "order_lines", "events");
    private static final AtomicInteger NAMES = new AtomicInteger();

    private CaptureFixture() {
    }

    /** A fresh capture name. */
    /** Thrown by a capture's crash seam: the process "dies" there. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash");
        }
    }

    /**
     * Two catch-ups that die (one after its first batch committed at the target, before the slot
     * was advanced; one in the middle, after three batches), then a third that resumes: it must
     * find nothing left to apply and both sides equal, table by table and row by row. Returns the
     * resumed capture, not yet stopped.
     */
    static ChangeCapture crashTwiceThenResume(String name, CopyEndpoint source, CopyEndpoint target, CopyScope scope,
                                              UUID mover) throws SQLException {
        ChangeCapture dying = new LogicalChangeCapture(1, lsn -> {
            throw new Crash();
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dying.catchUp(name, source, target, scope,
                java.time.Duration.ofSeconds(30))).isInstanceOf(Crash.class);
        AtomicInteger batches = new AtomicInteger();
        ChangeCapture abandoned = new LogicalChangeCapture(1, lsn -> {
            if (batches.incrementAndGet() == 3) {
                throw new Crash();
            }
        });
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> abandoned.catchUp(name, source, target, scope,
                java.time.Duration.ofSeconds(30))).isInstanceOf(Crash.class);

        ChangeCapture resumed = new LogicalChangeCapture();
        org.assertj.core.api.Assertions.assertThat(resumed.catchUp(name, source, target, scope,
                java.time.Duration.ofSeconds(60))).isZero();
        org.assertj.core.api.Assertions.assertThat(resumed.verify(source, target, scope))
                .allSatisfy(check -> org.assertj.core.api.Assertions.assertThat(check.matches()).as("%s", check).isTrue());
        org.assertj.core.api.Assertions.assertThat(allRows(target, mover)).isEqualTo(allRows(source, mover));
        return resumed;
    }

    static String captureName(String label) {
        return label + "_" + NAMES.incrementAndGet() + "_" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Where Strata keeps the tenant's rows. */
    static CopyEndpoint endpointOf(Strata strata, UUID tenant) {
        Route route = strata.internals().router().route(tenant);
        return new CopyEndpoint(strata.internals().plane(route.database().dataPlane()), route.database().database(), route.schema());
    }

    static CopyScope scope(UUID... tenants) {
        return new CopyScope(SHOP_TABLES, List.of(tenants));
    }

    /** A tenant whose empty schema (or database) receives a copy: a T2 of the given parent in the given mode. */
    static CopyEndpoint holder(Strata strata, String parentSlug, String slug, IsolationMode mode) {
        Tenant holder = strata.tenants().create(NewTenant.t2(slug, parentSlug).withMode(mode));
        return endpointOf(strata, holder.id());
    }

    /** The rows of one tenant in one table of an endpoint, each as its row text, sorted. */
    static List<String> rows(CopyEndpoint endpoint, String table, UUID tenant) throws SQLException {
        if (endpoint.plane().routedPerDatabase() || !endpoint.plane().key().equals(dev.strata.internal.sql.DataPlane.DEFAULT_KEY)) {
            try (Connection c = endpoint.plane().openAdmin(endpoint.database())) {
                return rows(c, endpoint, table, tenant);
            }
        }
        return rows(AdminConnections.of(endpoint.database()), endpoint, table, tenant);
    }

    private static List<String> rows(Connection c, CopyEndpoint endpoint, String table, UUID tenant) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT t::text FROM " + endpoint.schema() + "." + table
                + " t WHERE tenant_id = ? ORDER BY 1")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Every row of the tenant in every shop table, table by table. */
    static List<List<String>> allRows(CopyEndpoint endpoint, UUID tenant) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        for (String table : SHOP_TABLES) {
            out.add(rows(endpoint, table, tenant));
        }
        return out;
    }

    /** Rows of any tenant but the given ones in the endpoint's shop tables. */
    static long foreignRows(CopyEndpoint endpoint, List<UUID> allowed) throws SQLException {
        Connection c = AdminConnections.of(endpoint.database());
        long n = 0;
        for (String table : SHOP_TABLES) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + endpoint.schema() + "." + table
                    + " WHERE NOT (tenant_id = ANY (?))")) {
                ps.setArray(1, c.createArrayOf("uuid", allowed.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    n += rs.getLong(1);
                }
            }
        }
        return n;
    }

    /** Names of replication slots, publications and origins of the given capture on the shared server. */
    static List<String> artefactsOf(String captureName, CopyEndpoint... endpoints) throws SQLException {
        List<String> out = new ArrayList<>();
        String name = CaptureName.PREFIX + captureName;
        try (Connection c = TestStrata.admin("postgres")) {
            collect(c, "SELECT 'slot ' || slot_name FROM pg_replication_slots WHERE starts_with(slot_name, ?)", name, out);
            collect(c, "SELECT 'origin ' || roname FROM pg_replication_origin WHERE starts_with(roname, ?)", name, out);
        }
        for (CopyEndpoint endpoint : endpoints) {
            collect(AdminConnections.of(endpoint.database()),
                    "SELECT 'publication ' || pubname FROM pg_publication WHERE starts_with(pubname, ?)", name, out);
        }
        return out;
    }

    private static void collect(Connection c, String sql, String prefix, List<String> out) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, prefix);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
    }

    /** Whether a replication slot is in use by a session. */
    static boolean slotActive(String slot) throws SQLException {
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
