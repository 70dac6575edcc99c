package dev.strata.isolation;

import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.internal.sql.Identifiers;
import dev.strata.isolation.OneConnectionTopology.Pair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static dev.strata.isolation.OneConnectionTopology.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Nothing one tenant's callback does at session level reaches the next tenant's transaction on the
 * same pooled connection: not where it reads and writes, not its role or tier, not its session
 * defaults, not session objects (LISTEN, advisory locks, prepared statements, held cursors,
 * temporary tables), and its work keeps working. Every attack runs for every pair of tenants that
 * share a connection (RLS, schema and database modes; T1 and T2 contexts both ways).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStateDoesNotCrossTenantsTest {
    /** Session-level work a tenant's callback does; it may be refused, which is fine. */
    @FunctionalInterface
    interface Work {
        void run(TenantScope scope, Tenant earlier, Tenant next) throws Exception;
    }

    record Attack(String name, Work work) {
        @Override
        public String toString() {
            return name;
        }
    }

    private OneConnectionTopology topology;

    @BeforeAll
    void start() throws SQLException {
        topology = newTopology();
    }

    /** The topology the attacks run on (a subclass puts a pooled endpoint in front of it). */
    OneConnectionTopology newTopology() throws SQLException {
        return new OneConnectionTopology();
    }

    @AfterAll
    void stop() {
        topology.close();
    }

    private static Attack sql(String name, String... statements) {
        return new Attack(name, (scope, earlier, next) -> {
            try (Statement s = scope.connection().createStatement()) {
                for (String statement : statements) {
                    s.execute(statement.replace("{earlier}", earlier.id().toString())
                            .replace("{schema}", Identifiers.quote(earlier.placement().schema()))
                            .replace("{schemaText}", earlier.placement().schema()));
                }
            }
        });
    }

    static List<Attack> attacks() {
        return List.of(
                sql("SET search_path to the earlier tenant's schema", "SET search_path TO {schema}, platform"),
                sql("SET SESSION search_path", "SET SESSION search_path = {schema}, platform"),
                sql("set_config(search_path, false)", "SELECT set_config('search_path', '{schemaText}, platform', false)"),
                sql("SET ROLE to the T1 context role", "SET ROLE " + "\"" + "{t1role}" + "\""),
                sql("set_config(role, false)", "SELECT set_config('role', current_user, false)"),
                sql("SET app.tenant_id", "SET app.tenant_id = '{earlier}'"),
                sql("SET app.tenant_tier 1", "SET app.tenant_tier = '1'"),
                sql("set_config(app.tenant_tier, false)", "SELECT set_config('app.tenant_tier', '1', false)"),
                sql("set_config(app.tenant_id, false)", "SELECT set_config('app.tenant_id', '{earlier}', false)"),
                sql("SET default_transaction_read_only", "SET default_transaction_read_only = on"),
                sql("SET SESSION CHARACTERISTICS read only",
                        "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"),
                sql("SET SESSION CHARACTERISTICS serializable",
                        "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                sql("SET statement_timeout", "SET statement_timeout = 1"),
                sql("SET lock_timeout", "SET lock_timeout = 1"),
                sql("SET idle_in_transaction_session_timeout", "SET idle_in_transaction_session_timeout = 1"),
                sql("SET row_security off", "SET row_security = off"),
                sql("SET application_name", "SET application_name = 'evil'"),
                sql("set_config of any setting", "SELECT set_config('lock_timeout', '1', false)"),
                sql("RESET ALL", "RESET ALL"),
                sql("RESET search_path", "RESET search_path"),
                sql("LISTEN", "LISTEN strata_leak"),
                sql("session advisory lock", "SELECT pg_advisory_lock(42)"),
                sql("shared session advisory lock", "SELECT pg_advisory_lock_shared(43)"),
                sql("try session advisory lock", "SELECT pg_try_advisory_lock(44)"),
                sql("try shared session advisory lock", "SELECT pg_try_advisory_lock_shared(45)"),
                sql("qualified advisory lock", "SELECT pg_catalog.pg_advisory_lock(46)"),
                sql("PREPARE", "PREPARE leak AS SELECT title FROM documents"),
                sql("DECLARE WITH HOLD", "DECLARE leak CURSOR WITH HOLD FOR SELECT title FROM documents"),
                sql("set_config hidden after a SELECT", "SELECT 1; SET search_path TO {schema}, platform"),
                sql("SET behind a block comment", "/* comment */ SET search_path TO {schema}, platform"),
                sql("SET behind a line comment", "-- comment\nSET search_path TO {schema}, platform"),
                sql("SET after a string that contains ';'", "SELECT ';'; SET search_path TO {schema}, platform"),
                sql("SET after a dollar-quoted string", "SELECT $x$ '; $x$; SET search_path TO {schema}, platform"),
                sql("set_config through a quoted name", "SELECT \"set_config\"('search_path', '{schemaText}, platform', false)"),
                sql("set_config inside a CTE", "WITH x AS (SELECT set_config('app.tenant_tier', '1', false)) SELECT * FROM x"),
                sql("set_config run by query_to_xml",
                        "SELECT query_to_xml('SELECT set_config(''search_path'', ''{schemaText}, platform'', false)', "
                                + "false, false, '')"),
                sql("SET LOCAL of standard_conforming_strings then a SET",
                        "SET LOCAL standard_conforming_strings = off", "SET search_path TO {schema}, platform"),
                sql("several attacks in one text", "SET ROLE NONE; LISTEN x; SELECT pg_advisory_lock(47); "
                        + "SET default_transaction_read_only = on"),
                new Attack("session state then rollback of the callback", (scope, earlier, next) -> {
                    try (Statement s = scope.connection().createStatement()) {
                        s.execute("SELECT pg_advisory_lock(48)");
                        s.execute("SET search_path TO " + Identifiers.quote(earlier.placement().schema()) + ", platform");
                    }
                    throw new IllegalStateException("the callback fails after leaving session state");
                }),
                new Attack("session state then commit inside the callback", (scope, earlier, next) -> {
                    try (Statement s = scope.connection().createStatement()) {
                        s.execute("SET search_path TO " + Identifiers.quote(earlier.placement().schema()) + ", platform");
                        scope.connection().commit();
                        s.execute("SET app.tenant_tier = '1'");
                    }
                }),
                new Attack("batch with a SET", (scope, earlier, next) -> {
                    try (Statement s = scope.connection().createStatement()) {
                        s.addBatch("UPDATE documents SET title = title WHERE false");
                        s.addBatch("SET search_path TO " + Identifiers.quote(earlier.placement().schema()) + ", platform");
                        s.executeBatch();
                    }
                }),
                new Attack("prepared SET", (scope, earlier, next) -> {
                    try (var ps = scope.connection().prepareStatement("SELECT set_config('app.tenant_tier', ?, false)")) {
                        ps.setString(1, "1");
                        ps.execute();
                    }
                }),
                new Attack("callable set_config", (scope, earlier, next) -> {
                    try (var cs = scope.connection().prepareCall("{call set_config('app.tenant_tier', '1', false)}")) {
                        cs.execute();
                    }
                }),
                new Attack("JDBC setReadOnly", (scope, earlier, next) -> scope.connection().setReadOnly(true)),
                new Attack("JDBC setTransactionIsolation", (scope, earlier, next) ->
                        scope.connection().setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE)),
                new Attack("JDBC setClientInfo", (scope, earlier, next) ->
                        scope.connection().setClientInfo("ApplicationName", "evil")),
                new Attack("JDBC setHoldability", (scope, earlier, next) ->
                        scope.connection().setHoldability(ResultSet.HOLD_CURSORS_OVER_COMMIT)),
                new Attack("JDBC holdable statement", (scope, earlier, next) -> {
                    try (Statement s = scope.connection().createStatement(ResultSet.TYPE_FORWARD_ONLY,
                            ResultSet.CONCUR_READ_ONLY, ResultSet.HOLD_CURSORS_OVER_COMMIT)) {
                        s.setFetchSize(1);
                        s.executeQuery("SELECT title FROM documents").next();
                    }
                }));
    }

    Stream<Arguments> attacksAndPairs() {
        return attacks().stream().flatMap(a -> topology.pairs().map(p -> Arguments.of(a, p)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacksAndPairs")
    void session_state_left_by_one_tenant_never_reaches_the_next_tenant_on_the_same_connection(Attack attack, Pair pair)
            throws Exception {
        int before = topology.backendPid(pair.earlier());
        String t1Role = t1ContextRole(topology, pair.earlier());
        Attack bound = attack.name().startsWith("SET ROLE")
                ? sql(attack.name(), "SET ROLE \"" + t1Role + "\"") : attack;
        try {
            topology.strata.useTenant(pair.earlier().id(), scope -> {
                try {
                    bound.work().run(scope, pair.earlier(), pair.next());
                } catch (SQLException e) {
                    // refused: fine, as long as nothing reaches the next tenant
                }
            });
        } catch (RuntimeException | SQLException e) {
            // the callback failed: fine, as long as nothing reaches the next tenant
        }
        topology.assertUnaffected(pair.next());
        topology.assertNotVisibleTo(pair.earlier(), pair.next());
        assertThat(before).as("the pool has one connection per database: the same session is reused or replaced")
                .isPositive();
    }

    /** The T1 context role's name, read from a T1 transaction of the pair's database. */
    private static String t1ContextRole(OneConnectionTopology topology, Tenant anyTenant) throws SQLException {
        Tenant t1 = anyTenant.parentId() == null || anyTenant.tier() == dev.strata.Tier.T1 ? anyTenant
                : topology.strata.tenants().get(anyTenant.parentId().toString());
        return topology.strata.inTenant(t1.id(), scope -> OneConnectionTopology.single(scope.connection(),
                "SELECT current_user::text", String.class));
    }

    @Test
    void a_connection_without_session_state_is_reused_as_is() throws SQLException {
        int first = topology.backendPid(topology.a1);
        topology.strata.useTenant(topology.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SELECT 'SET search_path TO x' AS not_a_set -- SET role x\n");
                s.execute("SELECT title FROM documents /* RESET ALL; */ WHERE title <> ';SET x=1'");
                s.execute("SET LOCAL search_path TO app, platform");
                s.execute("SELECT pg_advisory_xact_lock(7)");
            }
        });
        assertThat(topology.backendPid(topology.a2)).isEqualTo(first);
        topology.assertUnaffected(topology.a2);
    }

    @Test
    void session_state_is_cleaned_and_the_connection_is_reused() throws SQLException {
        int first = topology.backendPid(topology.a1);
        topology.strata.useTenant(topology.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SET search_path TO " + Identifiers.quote(topology.as.placement().schema()) + ", platform");
            }
        });
        assertThat(topology.backendPid(topology.a2)).as("cleaned with DISCARD ALL, not replaced").isEqualTo(first);
    }

    @Test
    void alter_role_of_the_app_role_is_refused_on_tenant_connections() {
        for (String statement : List.of("ALTER ROLE CURRENT_USER SET search_path = 'evil'",
                "ALTER USER CURRENT_USER PASSWORD 'x'", "alter role current_user set default_transaction_read_only = on",
                "/* x */ ALTER ROLE SESSION_USER SET statement_timeout = 1", "SELECT 1; ALTER ROLE CURRENT_USER RESET ALL",
                "DO $$ BEGIN EXECUTE 'ALTER ROLE CURRENT_USER SET search_path = evil'; END $$",
                "DROP OWNED BY CURRENT_USER", "REASSIGN OWNED BY CURRENT_USER TO postgres",
                "GRANT SELECT ON documents TO PUBLIC", "REVOKE SELECT ON documents FROM CURRENT_USER",
                "LOAD 'auto_explain'")) {
            assertThatThrownBy(() -> topology.strata.useTenant(topology.a1.id(), scope -> {
                try (Statement s = scope.connection().createStatement()) {
                    s.execute(statement);
                }
            })).as(statement).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("does not run");
            assertThatThrownBy(() -> topology.strata.useTenant(topology.a1.id(), scope ->
                    scope.connection().prepareStatement(statement).execute()))
                    .as("prepared: " + statement).isInstanceOf(SQLException.class).hasMessageContaining("does not run");
        }
    }

    @Test
    void the_app_role_has_no_session_defaults_and_every_new_connection_still_works() throws SQLException {
        alter_role_of_the_app_role_is_refused_on_tenant_connections();
        try (Connection admin = dev.strata.testing.TestStrata.admin("postgres");
             var ps = admin.prepareStatement("SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                     + "WHERE r.rolname LIKE ? || '%'")) {
            ps.setString(1, topology.strata.config().namespace());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
        topology.assertUnaffected(topology.a1);
    }

    @Test
    void a_session_default_on_an_app_role_is_reported_by_the_audit() throws SQLException {
        String role = topology.strata.inTenant(topology.a1.id(), scope ->
                single(scope.connection(), "SELECT session_user::text", String.class));
        try (Connection admin = dev.strata.testing.TestStrata.admin("postgres"); Statement s = admin.createStatement()) {
            s.execute("ALTER ROLE " + Identifiers.quote(role) + " SET search_path = evil");
            try {
                assertThat(topology.strata.audit().findings())
                        .anySatisfy(f -> {
                            assertThat(f.check()).isEqualTo("context_defaults");
                            assertThat(f.message()).contains("RESET search_path");
                        });
            } finally {
                s.execute("ALTER ROLE " + Identifiers.quote(role) + " RESET search_path");
            }
        }
        assertThat(topology.strata.audit().findings()).noneSatisfy(f -> assertThat(f.check()).isEqualTo("context_defaults"));
    }

    @Test
    void temporary_tables_are_refused_to_tenants() {
        for (String statement : List.of("CREATE TEMP TABLE leak AS SELECT * FROM documents",
                "CREATE TEMPORARY TABLE leak (x int)", "SELECT * INTO TEMP leak FROM documents",
                "CREATE TABLE pg_temp.leak (x int)")) {
            assertThatThrownBy(() -> topology.strata.useTenant(topology.a1.id(), scope -> {
                try (Statement s = scope.connection().createStatement()) {
                    s.execute(statement);
                }
            })).as(statement).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void a_held_cursor_of_one_tenant_cannot_be_fetched_by_the_next() throws SQLException {
        topology.strata.useTenant(topology.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("DECLARE leak CURSOR WITH HOLD FOR SELECT title FROM documents");
            }
        });
        assertThatThrownBy(() -> topology.strata.useTenant(topology.a2.id(), scope -> {
            try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("FETCH ALL FROM leak")) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).doesNotContain("a1");
                }
            }
        })).isInstanceOf(SQLException.class).hasMessageContaining("leak");
    }
}
