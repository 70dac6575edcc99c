package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.Tier;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A topology whose pools hold ONE connection per database, so that the next tenant of a database
 * surely gets the physical connection the previous one used, with pairs of tenants that share a
 * database in every mode and in every combination of tiers:
 * <ul>
 *   <li>T1 {@code alpha} (database mode, its own database) with RLS T2s {@code a1}, {@code a2} and
 *       schema-mode T2 {@code as} in that database;</li>
 *   <li>T1 {@code rho} in shared RLS with T2 {@code r1};</li>
 *   <li>T1 {@code sigma} in shared schema mode with T2 {@code s1} (its own schema there).</li>
 * </ul>
 * Each has one document. Also the checks every victim of an attack runs.
 */
final class OneConnectionTopology implements AutoCloseable {
    /** One tenant's earlier work on a connection, and another tenant who uses the same connection next. */
    record Pair(String name, Tenant earlier, Tenant next) {
        @Override
        public String toString() {
            return name;
        }
    }

    final Strata strata;
    final Tenant alpha;
    final Tenant a1;
    final Tenant a2;
    final Tenant as;
    final Tenant rho;
    final Tenant r1;
    final Tenant sigma;
    final Tenant s1;

    OneConnectionTopology() throws SQLException {
        this(java.util.function.UnaryOperator.identity());
    }

    /** The same topology with further configuration (e.g. a pooled endpoint in front of the server). */
    OneConnectionTopology(java.util.function.UnaryOperator<dev.strata.StrataConfig.Builder> more) throws SQLException {
        strata = TestStrata.start(b -> more.apply(b.poolSizePerDatabase(1).connectionBudget(16)));
        try {
            alpha = strata.tenants().create(NewTenant.t1("alpha"));
            a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
            a2 = strata.tenants().create(NewTenant.t2("a2", "alpha"));
            as = strata.tenants().create(NewTenant.t2("as", "alpha").withMode(IsolationMode.SCHEMA));
            rho = strata.tenants().create(NewTenant.t1("rho").withMode(IsolationMode.RLS));
            r1 = strata.tenants().create(NewTenant.t2("r1", "rho"));
            sigma = strata.tenants().create(NewTenant.t1("sigma").withMode(IsolationMode.SCHEMA));
            s1 = strata.tenants().create(NewTenant.t2("s1", "sigma"));
            for (Tenant t : List.of(alpha, a1, a2, as, rho, r1, sigma, s1)) {
                Documents.insert(strata, t.id(), "doc of " + t.slug());
            }
        } catch (SQLException | RuntimeException e) {
            TestStrata.stopAndDrop(strata);
            throw e;
        }
    }

    /** Every pair of tenants that share a pooled connection, across modes and tiers. */
    Stream<Pair> pairs() {
        return Stream.of(
                new Pair("rls T2 then sibling T2", a1, a2),
                new Pair("rls T2 then its T1 (database mode)", a1, alpha),
                new Pair("T1 (database mode) then its rls T2", alpha, a1),
                new Pair("schema T2 then rls T2", as, a1),
                new Pair("rls T2 then schema T2", a2, as),
                new Pair("shared-rls T1 then its T2", rho, r1),
                new Pair("shared-rls T2 then its T1", r1, rho),
                new Pair("shared-schema T1 then its T2", sigma, s1),
                new Pair("shared-schema T2 then its T1", s1, sigma));
    }

    /** The server session a tenant's transaction runs on. */
    int backendPid(Tenant t) throws SQLException {
        return strata.inTenant(t.id(), scope -> single(scope.connection(), "SELECT pg_backend_pid()", Integer.class));
    }

    /**
     * What the next tenant must find, whatever ran before it on the connection: its own context,
     * tier, role, schema and session defaults, only its own rows, no session objects of anyone
     * else, and writes that work and land in its own schema under its own id.
     */
    void assertUnaffected(Tenant t) throws SQLException {
        String title = "written by " + t.slug() + " " + UUID.randomUUID();
        strata.useTenant(t.id(), scope -> {
            Connection c = scope.connection();
            assertThat(single(c, "SELECT current_setting('app.tenant_id', true)", String.class))
                    .as("tenant id").isEqualTo(t.id().toString());
            assertThat(single(c, "SELECT platform.current_tenant_tier()", Integer.class))
                    .as("tier").isEqualTo(t.tier().level());
            boolean t1 = t.tier() == Tier.T1;
            String currentUser = single(c, "SELECT current_user::text", String.class);
            String sessionUser = single(c, "SELECT session_user::text", String.class);
            if (t1) {
                assertThat(currentUser).as("a T1 runs as the T1 context role").endsWith("_t1_context");
            } else {
                assertThat(currentUser).as("a T2 runs as the app role it logged in as").isEqualTo(sessionUser);
            }
            assertThat(single(c, "SELECT (current_schemas(false))[1]::text", String.class))
                    .as("first schema of the search path").isEqualTo(t.placement().schema());
            assertThat(settings(c)).as("session settings").containsExactly("off", "off", "0", "0", "on",
                    "read committed", "strata", "0");
            assertThat(single(c, "SELECT count(*) FROM pg_listening_channels()", Long.class)).as("LISTEN").isZero();
            assertThat(single(c, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()",
                    Long.class)).as("advisory locks").isZero();
            assertThat(single(c, "SELECT count(*) FROM pg_prepared_statements WHERE from_sql", Long.class))
                    .as("PREPAREd statements").isZero();
            assertThat(single(c, "SELECT count(*) FROM pg_cursors WHERE is_holdable", Long.class)).as("held cursors").isZero();
            assertThat(single(c, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'", Long.class))
                    .as("temporary tables").isZero();
            assertThat(single(c, "SELECT count(*) FROM documents", Long.class)).as("rows visible").isPositive();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT tenant_id FROM documents");
                 ResultSet rs = ps.executeQuery()) {
                List<UUID> owners = new ArrayList<>();
                while (rs.next()) {
                    owners.add(rs.getObject(1, UUID.class));
                }
                assertThat(owners).as("only its own rows (a T1 also its T2s')").contains(t.id())
                        .allSatisfy(o -> assertThat(o.equals(t.id()) || t1).isTrue());
            }
            insert(scope, title);
        });
        assertThat(Documents.stored(t)).as("the write landed in its own schema under its own id")
                .anySatisfy(d -> assertThat(d.title()).isEqualTo(title));
    }

    /** The next tenant's rows are not visible to the earlier tenant (unless that is its T1). */
    void assertNotVisibleTo(Tenant other, Tenant owner) throws SQLException {
        if (owner.id().equals(other.id()) || other.id().equals(owner.parentId())) {
            return;
        }
        assertThat(Documents.visible(strata, other.id()))
                .noneSatisfy(d -> assertThat(d.tenantId()).isEqualTo(owner.id()));
    }

    private static List<String> settings(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT current_setting('default_transaction_read_only'), current_setting('transaction_read_only'), "
                        + "current_setting('statement_timeout'), current_setting('lock_timeout'), "
                        + "current_setting('row_security'), current_setting('transaction_isolation'), "
                        + "current_setting('application_name'), current_setting('idle_in_transaction_session_timeout')")) {
            rs.next();
            List<String> out = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                out.add(rs.getString(i));
            }
            return out;
        }
    }

    static void insert(TenantScope scope, String title) throws SQLException {
        try (PreparedStatement ps = scope.connection().prepareStatement(
                "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
            ps.setObject(1, scope.tenantId());
            ps.setString(2, title);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    static <T> T single(Connection c, String sql, Class<T> type) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            assertThat(rs.next()).isTrue();
            return rs.getObject(1, type);
        }
    }

    @Override
    public void close() {
        TestStrata.stopAndDrop(strata);
    }
}
