package dev.strata.isolation;

import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.internal.sql.Identifiers;
import dev.strata.isolation.OneConnectionTopology.Pair;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session-level changes that no classification of the SQL text can see — made inside a function
 * or a trigger that the application's own migrations installed, called by a plain {@code SELECT}
 * or fired by a plain {@code INSERT} — never change the tenant id, tier, {@code search_path} or
 * role of the next tenant's transaction on the same pooled connection, nor make its writes fail.
 * Strata sees no session-level statement in such SQL, so what defends the next tenant is that the
 * context sets the first four transaction-locally in every transaction (dropping any of them from
 * the context statement makes this test fail), and that the server reports a changed
 * {@code default_transaction_read_only} to the driver, which makes Strata clean the connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SessionStateFromApplicationFunctionsTest {
    private static final String MARK = "strata-test-leave-session-state";

    private OneConnectionTopology topology;

    @BeforeAll
    void start() throws SQLException {
        topology = newTopology();
        String t1Role = topology.strata.config().namespace() + "_t1_context";
        List<String> databases = Stream.of(topology.alpha, topology.rho, topology.sigma)
                .map(t -> t.placement().database()).distinct().toList();
        for (String database : databases) {
            installApplicationFunctions(database, t1Role);
        }
    }

    /** The topology the functions run on (a subclass puts a pooled endpoint in front of it). */
    OneConnectionTopology newTopology() throws SQLException {
        return new OneConnectionTopology();
    }

    @AfterAll
    void stop() {
        topology.close();
    }

    /**
     * What an application's migration might install: a function that leaves settings at session
     * level (it runs with the caller's rights, so as the app role or the T1 context role), and a
     * trigger on every {@code documents} table that calls it for marked rows.
     */
    private static void installApplicationFunctions(String database, String t1Role) throws SQLException {
        try (Connection admin = TestStrata.admin(database); Statement s = admin.createStatement()) {
            s.execute("""
                    CREATE FUNCTION app.remember_settings(earlier text, path text) RETURNS integer
                        LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM set_config('app.tenant_id', earlier, false);
                        PERFORM set_config('app.tenant_tier', '1', false);
                        PERFORM set_config('search_path', path, false);
                        PERFORM set_config('default_transaction_read_only', 'on', false);
                        PERFORM set_config('role', %s, false);
                        RETURN 1;
                    END $$""".formatted(Identifiers.literal(t1Role)));
            s.execute("""
                    CREATE FUNCTION app.remember_settings_on_insert() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                        PERFORM app.remember_settings(split_part(NEW.title, ' ', 2),
                                                      quote_ident(split_part(NEW.title, ' ', 3)) || ', platform');
                        RETURN NEW;
                    END $$""");
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT quote_ident(n.nspname) || '.documents' FROM pg_class c "
                    + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'documents' AND c.relkind = 'r'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                s.execute("CREATE TRIGGER remember_settings AFTER INSERT ON " + table + " FOR EACH ROW WHEN (NEW.title LIKE "
                        + Identifiers.literal(MARK + " %") + ") EXECUTE FUNCTION app.remember_settings_on_insert()");
            }
        }
    }

    Stream<Pair> pairs() {
        return topology.pairs();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void settings_left_by_a_function_the_sql_does_not_show_never_reach_the_next_tenant(Pair pair) throws Exception {
        Tenant earlier = pair.earlier();
        topology.strata.useTenant(earlier.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT app.remember_settings(?, ?)")) {
                ps.setString(1, earlier.id().toString());
                ps.setString(2, Identifiers.quote(earlier.placement().schema()) + ", platform");
                ps.executeQuery().close();
            }
        });
        topology.assertUnaffected(pair.next());
        topology.assertNotVisibleTo(earlier, pair.next());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void settings_left_by_a_trigger_of_a_plain_insert_never_reach_the_next_tenant(Pair pair) throws Exception {
        Tenant earlier = pair.earlier();
        topology.strata.useTenant(earlier.id(), scope -> insertMarked(scope, earlier));
        topology.assertUnaffected(pair.next());
        topology.assertNotVisibleTo(earlier, pair.next());
    }

    /**
     * The read-only check costs a callback that leaves nothing behind no clean-up: the driver's
     * server-side prepared statements of one tenant's transaction are still there in the next
     * tenant's ({@code DISCARD ALL} would have dropped them). Pooled endpoints use none.
     */
    @org.junit.jupiter.api.Test
    void a_callback_that_changes_no_setting_is_not_followed_by_a_clean_up() throws SQLException {
        org.junit.jupiter.api.Assumptions.assumeFalse(pooledEndpoint(), "no server-side prepared statements there");
        int pid = topology.backendPid(topology.a1);
        topology.strata.useTenant(topology.a1.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM documents")) {
                for (int i = 0; i < 10; i++) {
                    ps.executeQuery().close();
                }
            }
        });
        topology.strata.useTenant(topology.a2.id(), scope -> {
            assertThat(OneConnectionTopology.single(scope.connection(), "SELECT pg_backend_pid()", Integer.class))
                    .isEqualTo(pid);
            assertThat(OneConnectionTopology.single(scope.connection(),
                    "SELECT count(*) FROM pg_prepared_statements WHERE NOT from_sql", Long.class))
                    .as("the driver's prepared statements survived: no DISCARD ALL ran").isPositive();
        });
    }

    /** Whether the topology reaches its databases through a pooled endpoint. */
    boolean pooledEndpoint() {
        return false;
    }

    private static void insertMarked(TenantScope scope, Tenant earlier) throws SQLException {
        OneConnectionTopology.insert(scope, MARK + " " + earlier.id() + " " + earlier.placement().schema());
    }
}
