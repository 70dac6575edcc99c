package dev.strata.isolation;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.PgBouncer;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Strata behind a pooled endpoint (PgBouncer in transaction mode, a server pool of one): tenant work
 * goes through the pooler and administration does not; many clients share one server session and
 * each still sees only its own rows; pgjdbc prepares nothing on the server; what Strata cannot clean
 * inside a transaction is refused; and a pooled URL is configured clearly or refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PooledEndpointTest {
    private static final String FEATURE_NOT_SUPPORTED = "0A000";

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(TestStrata.MIGRATIONS)
            .configured(b -> b.pooledServer(PgBouncer.endpoint()).poolSizePerDatabase(4));

    private Strata strata;
    private Tenant t1;
    private Tenant a;
    private Tenant b;

    @BeforeAll
    void tenants() throws SQLException {
        strata = FIXTURE.strata();
        t1 = strata.tenants().create(NewTenant.t1("pooled"));
        a = strata.tenants().create(NewTenant.t2("pooled-a", "pooled"));
        b = strata.tenants().create(NewTenant.t2("pooled-b", "pooled"));
        for (Tenant t : List.of(t1, a, b)) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    @Test
    void tenant_work_goes_through_the_pooler_and_administration_does_not() throws SQLException {
        String appRole = strata.inTenant(a.id(), scope -> single(scope.connection(), "SELECT session_user"));
        // several transactions at once, each holding its connection: Strata's pool opens several client
        // connections, PgBouncer serves them all with its one server session
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                work.add(pool.submit(() -> {
                    strata.useTenant(a.id(), scope -> single(scope.connection(), "SELECT count(*) FROM documents"));
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            pool.shutdownNow();
        }
        try (Connection admin = TestStrata.admin("postgres");
             PreparedStatement ps = admin.prepareStatement("SELECT count(*), count(DISTINCT client_port) FROM pg_stat_activity "
                     + "WHERE usename = ? AND datname = ?")) {
            ps.setString(1, appRole);
            ps.setString(2, a.placement().database());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("server sessions of the app role: PgBouncer's one").isEqualTo(1);
            }
        }
        assertThat(strata.config().pooledServer()).isNotNull();
        assertThat(strata.config().server().port()).as("administration goes to the server itself")
                .isEqualTo(dev.strata.testing.SharedPostgres.server().port());
    }

    @Test
    void many_clients_share_one_server_session_and_each_sees_only_its_own_rows() throws Exception {
        Set<Integer> backends = Collections.synchronizedSet(new HashSet<>());
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                Tenant t = i % 2 == 0 ? a : b;
                Tenant other = t == a ? b : a;
                work.add(pool.submit(() -> {
                    strata.useTenant(t.id(), scope -> {
                        Connection c = scope.connection();
                        backends.add(Integer.parseInt(single(c, "SELECT pg_backend_pid()")));
                        assertThat(single(c, "SELECT current_setting('app.tenant_id')")).isEqualTo(t.id().toString());
                        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT tenant_id FROM documents");
                             ResultSet rs = ps.executeQuery()) {
                            List<UUID> seen = new ArrayList<>();
                            while (rs.next()) {
                                seen.add(rs.getObject(1, UUID.class));
                            }
                            assertThat(seen).as("rows visible to %s", t.slug()).containsExactly(t.id());
                        }
                        try (Statement s = c.createStatement()) {
                            // session state that the next client of the server session must not find
                            s.execute("SET search_path TO pg_catalog");
                            s.execute("SET app.tenant_id = '" + other.id() + "'");
                            s.execute("SET app.tenant_tier = '1'");
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(backends).as("server sessions behind a pool of one").hasSize(1);
        for (Tenant t : List.of(a, b)) {
            assertThat(Documents.visible(strata, t.id())).extracting(Documents.Doc::tenantId).containsOnly(t.id());
        }
    }

    @Test
    void pgjdbc_prepares_nothing_on_the_server() throws SQLException {
        long named = strata.inTenant(a.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM documents WHERE title <> ?")) {
                for (int i = 0; i < 20; i++) {
                    ps.setString(1, "x" + i);
                    ps.executeQuery().close();
                }
            }
            return Long.parseLong(single(scope.connection(), "SELECT count(*) FROM pg_prepared_statements"));
        });
        assertThat(named).as("server-side prepared statements after 20 executions").isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"PREPARE leak AS SELECT title FROM documents", "SELECT pg_advisory_lock(42)",
            "SELECT pg_try_advisory_lock_shared(43)", "SELECT pg_catalog.pg_advisory_lock(44)",
            "SELECT query_to_xml('SELECT pg_advisory_lock(45)', false, false, '')", "CALL some_procedure()",
            "SELECT U&\"\\0070g_advisory_lock\"(46)", "EXECUTE leak", "SELECT setseed(0.5)"})
    void state_that_outlives_a_rolled_back_transaction_is_refused(String sql) {
        assertThatThrownBy(() -> strata.useTenant(a.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute(sql);
            }
        })).isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo(FEATURE_NOT_SUPPORTED))
                .hasMessageContaining("pooled endpoint");
        assertThatThrownBy(() -> strata.useTenant(a.id(), scope -> scope.connection().prepareStatement(sql).execute()))
                .as("prepared").isInstanceOf(SQLException.class).hasMessageContaining("pooled endpoint");
    }

    @Test
    void transaction_scoped_equivalents_still_work() throws SQLException {
        String result = strata.inTenant(a.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(7)");
                s.execute("SET LOCAL lock_timeout = '1s'");
            }
            return single(scope.connection(), "SELECT current_setting('lock_timeout')");
        });
        assertThat(result).isEqualTo("1s");
    }

    @Test
    void ending_the_transaction_with_sql_after_session_state_is_refused() {
        for (String sql : List.of("SET search_path TO pg_catalog; COMMIT", "LISTEN x; END")) {
            assertThatThrownBy(() -> strata.useTenant(a.id(), scope -> {
                try (Statement s = scope.connection().createStatement()) {
                    s.execute(sql);
                }
            })).as(sql).isInstanceOf(SQLException.class).hasMessageContaining("Connection.commit()");
        }
        assertThatThrownBy(() -> strata.useTenant(a.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SET search_path TO pg_catalog");
                s.execute("COMMIT");
            }
        })).isInstanceOf(SQLException.class).hasMessageContaining("Connection.commit()");
    }

    @Test
    void jdbc_transaction_isolation_changes_are_refused() {
        assertThatThrownBy(() -> strata.useTenant(a.id(), scope ->
                scope.connection().setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE)))
                .isInstanceOf(SQLException.class).hasMessageContaining("pooled endpoint");
    }

    @Test
    void session_state_committed_inside_the_callback_is_gone_before_the_pooler_hands_the_session_on()
            throws SQLException {
        strata.useTenant(a.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SET app.tenant_tier = '1'");
                s.execute("SET ROLE NONE");
                s.execute("LISTEN strata_pooled_leak");
                s.execute("DECLARE held CURSOR WITH HOLD FOR SELECT title FROM documents");
                scope.connection().commit();
                // the same callback goes on in a new transaction, on whichever server session
                assertThat(single(scope.connection(), "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
                assertThat(single(scope.connection(), "SELECT count(*) FROM pg_cursors WHERE is_holdable")).isEqualTo("0");
            }
        });
        strata.useTenant(b.id(), scope -> {
            Connection c = scope.connection();
            assertThat(single(c, "SELECT current_setting('app.tenant_id')")).isEqualTo(b.id().toString());
            assertThat(single(c, "SELECT platform.current_tenant_tier()")).isEqualTo("2");
            assertThat(single(c, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
            assertThat(single(c, "SELECT count(*) FROM pg_cursors WHERE is_holdable")).isEqualTo("0");
        });
    }

    @Test
    void a_pooled_database_url_without_a_direct_address_is_refused() {
        assertThatThrownBy(() -> StrataConfig.builder()
                .databaseUrl("postgresql://admin:secret@pgbouncer.internal:6432/postgres?pgbouncer=true").build())
                .isInstanceOf(StrataException.class)
                .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
                .hasMessageContaining("pooled")
                .hasMessageContaining("direct")
                .hasMessageNotContaining("secret");
    }

    @Test
    void a_neon_pooler_url_is_split_into_the_direct_server_and_the_pooled_endpoint() {
        StrataConfig config = StrataConfig.builder().databaseUrl(
                "postgresql://admin:pw@ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech/neondb?sslmode=require")
                .build();
        assertThat(config.server().host()).isEqualTo("ep-cool-darkness-123456.eu-central-1.aws.neon.tech");
        assertThat(config.server().pooledEndpoint()).isFalse();
        assertThat(config.pooledServer().host()).isEqualTo("ep-cool-darkness-123456-pooler.eu-central-1.aws.neon.tech");
        assertThat(config.server().jdbcUrl("db")).contains("sslmode=require").doesNotContain("pgbouncer");
        PostgresServer flagged = PostgresServer.parse("postgresql://u@h:6432/db?pgbouncer=true&sslmode=disable");
        assertThat(flagged.pooledEndpoint()).isTrue();
        assertThat(flagged.jdbcUrl("x")).contains("sslmode=disable").doesNotContain("pgbouncer");
        assertThat(flagged.driverOptions()).doesNotContainKey("pgbouncer");
    }
}
