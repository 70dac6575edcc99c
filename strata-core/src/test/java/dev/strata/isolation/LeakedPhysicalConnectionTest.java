package dev.strata.isolation;

import com.zaxxer.hikari.pool.HikariProxyConnection;
import dev.strata.internal.sql.DelegatingConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;
import org.postgresql.PGStatement;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.PgConnection;

import java.lang.reflect.Field;
import java.sql.Array;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Wrapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No path leads from a tenant connection to the physical connection under it, and a physical
 * connection that something outside Strata's wrappers left in a transaction never runs another
 * tenant's work: it is retired at lease, or refused (fail closed) if the transaction appears during
 * the callback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LeakedPhysicalConnectionTest {
    private static final List<Class<?>> DRIVER_TYPES = List.of(PGConnection.class, BaseConnection.class,
            PgConnection.class, HikariProxyConnection.class, PGStatement.class,
            org.postgresql.jdbc.PgStatement.class, org.postgresql.jdbc.PgResultSet.class,
            org.postgresql.core.BaseStatement.class);

    private OneConnectionTopology topology;

    @BeforeAll
    void start() throws SQLException {
        topology = new OneConnectionTopology();
    }

    @AfterAll
    void stop() {
        topology.close();
    }

    @Test
    void unwrap_to_any_driver_type_is_refused_on_every_jdbc_object() throws SQLException {
        topology.strata.useTenant(topology.a1.id(), scope -> {
            Connection c = scope.connection();
            List<Wrapper> objects = new ArrayList<>();
            objects.add(c);
            Statement s = c.createStatement();
            objects.add(s);
            ResultSet plain = s.executeQuery("SELECT title FROM documents");
            objects.add(plain);
            PreparedStatement ps = c.prepareStatement("SELECT title, ARRAY[1,2] FROM documents");
            objects.add(ps);
            ResultSet prepared = ps.executeQuery();
            objects.add(prepared);
            assertThat(prepared.next()).isTrue();
            Array array = prepared.getArray(2);
            objects.add(array.getResultSet());
            objects.add(ps.getMetaData());
            objects.add(ps.getParameterMetaData());
            DatabaseMetaData md = c.getMetaData();
            objects.add(md);
            objects.add(md.getTables(null, null, "documents", null));
            CallableStatement cs = c.prepareCall("{? = call upper(?)}");
            objects.add(cs);
            objects.add(c.createArrayOf("text", new Object[] {"x"}).getResultSet());
            PreparedStatement keys = c.prepareStatement("INSERT INTO documents (tenant_id, title) VALUES (?, 'k')",
                    Statement.RETURN_GENERATED_KEYS);
            keys.setObject(1, scope.tenantId());
            keys.executeUpdate();
            objects.add(keys.getGeneratedKeys());
            for (Wrapper w : objects) {
                for (Class<?> type : DRIVER_TYPES) {
                    if (type == null || type.isInstance(w)) {
                        continue;
                    }
                    assertThat(w.isWrapperFor(type)).as(w + " isWrapperFor " + type.getName()).isFalse();
                    assertThatThrownBy(() -> w.unwrap(type)).as(w + " unwrap " + type.getName())
                            .isInstanceOf(SQLException.class).hasMessageContaining("driver objects");
                }
            }
        });
    }

    @Test
    void every_object_leads_back_only_to_the_tenant_connection() throws SQLException {
        topology.strata.useTenant(topology.a1.id(), scope -> {
            Connection c = scope.connection();
            Statement s = c.createStatement();
            assertThat(s.getConnection()).isSameAs(c);
            ResultSet rs = s.executeQuery("SELECT title FROM documents");
            assertThat(rs.getStatement()).isSameAs(s);
            assertThat(rs.getStatement().getConnection()).isSameAs(c);
            s.execute("SELECT 1");
            assertThat(s.getResultSet().getStatement()).isSameAs(s);

            PreparedStatement ps = c.prepareStatement("SELECT title, ARRAY['x'] FROM documents");
            ResultSet prs = ps.executeQuery();
            assertThat(prs.getStatement()).isSameAs(ps);
            assertThat(prs.getStatement().getConnection()).isSameAs(c);
            prs.next();
            Array array = prs.getArray(2);
            assertOnlyWrappers(c, array.getResultSet());
            Object asObject = prs.getObject(2);
            assertThat(asObject).isInstanceOf(Array.class);
            assertOnlyWrappers(c, ((Array) asObject).getResultSet());

            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getConnection()).isSameAs(c);
            assertOnlyWrappers(c, md.getTables(null, null, "documents", null));
            assertOnlyWrappers(c, md.getColumns(null, null, "documents", null));
            assertOnlyWrappers(c, md.getTypeInfo());

            PreparedStatement keys = c.prepareStatement("INSERT INTO documents (tenant_id, title) VALUES (?, 'k')",
                    new String[] {"id"});
            keys.setObject(1, scope.tenantId());
            keys.executeUpdate();
            ResultSet generated = keys.getGeneratedKeys();
            assertThat(generated.getStatement()).isSameAs(keys);
            assertThat(generated.getStatement().getConnection()).isSameAs(c);

            CallableStatement cs = c.prepareCall("{? = call upper(?)}");
            assertThat(cs.getConnection()).isSameAs(c);
            cs.registerOutParameter(1, java.sql.Types.VARCHAR);
            cs.setString(2, "x");
            cs.execute();
            assertThat(cs.getString(1)).isEqualTo("X");

            assertOnlyWrappers(c, c.createArrayOf("text", new Object[] {"x"}).getResultSet());
        });
    }

    private static void assertOnlyWrappers(Connection tenant, ResultSet rs) throws SQLException {
        Statement st = rs.getStatement();
        if (st != null) {
            assertThat(st.getConnection()).isSameAs(tenant);
        }
        assertThat(rs).isNotInstanceOf(org.postgresql.jdbc.PgResultSet.class);
    }

    @Test
    void objects_kept_past_the_callback_do_not_work_on_the_next_tenants_connection() throws SQLException {
        AtomicReference<ResultSet> kept = new AtomicReference<>();
        AtomicReference<DatabaseMetaData> keptMd = new AtomicReference<>();
        topology.strata.useTenant(topology.a1.id(), scope -> {
            Statement s = scope.connection().createStatement();
            kept.set(s.executeQuery("SELECT title FROM documents"));
            keptMd.set(scope.connection().getMetaData());
        });
        topology.strata.useTenant(topology.a2.id(), scope -> {
            assertThatThrownBy(() -> kept.get().next()).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> keptMd.get().getTables(null, null, "%", null)).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> keptMd.get().getConnection().createStatement()).isInstanceOf(SQLException.class);
        });
        topology.assertUnaffected(topology.a2);
    }

    /** The physical connection under a tenant connection, as code with reflection could reach it. */
    private static Connection physicalOf(Connection tenant) throws Exception {
        Field f = DelegatingConnection.class.getDeclaredField("delegate");
        f.setAccessible(true);
        Connection hikari = (Connection) f.get(tenant);
        return hikari.unwrap(BaseConnection.class);
    }

    @Test
    void a_transaction_left_open_on_a_leaked_physical_connection_never_serves_the_next_tenant() throws Exception {
        AtomicReference<Connection> leaked = new AtomicReference<>();
        int backend = topology.backendPid(topology.a1);
        topology.strata.useTenant(topology.a1.id(), scope -> {
            try {
                leaked.set(physicalOf(scope.connection()));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // After the callback, the leaked driver connection opens a transaction with a1's context.
        try (PreparedStatement ps = leaked.get().prepareStatement("SELECT set_config('app.tenant_id', ?, true), "
                + "set_config('app.tenant_tier', '2', true)")) {
            ps.setString(1, topology.a1.id().toString());
            ps.execute();
        }
        assertThat(((BaseConnection) leaked.get()).getTransactionState())
                .isEqualTo(org.postgresql.core.TransactionState.OPEN);

        topology.assertUnaffected(topology.a2);
        assertThat(topology.backendPid(topology.a2)).as("the connection with the open transaction was retired")
                .isNotEqualTo(backend);
        assertThat(leaked.get().isClosed() || !isUsable(leaked.get())).isTrue();
    }

    @Test
    void a_transaction_opened_behind_strata_during_the_callback_fails_closed() throws Exception {
        int backend = topology.backendPid(topology.a2);
        assertThatThrownBy(() -> topology.strata.useTenant(topology.a2.id(), scope -> {
            try {
                Connection physical = physicalOf(scope.connection());
                try (PreparedStatement ps = physical.prepareStatement("SELECT set_config('app.tenant_id', ?, true)")) {
                    ps.setString(1, topology.a1.id().toString());
                    ps.execute();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT title FROM documents");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    assertThat(rs.getString(1)).doesNotContain("a1");
                }
            }
        })).isInstanceOf(SQLException.class).hasMessageContaining("did not start");
        assertThat(topology.backendPid(topology.a2)).as("the connection was retired").isNotEqualTo(backend);
        topology.assertUnaffected(topology.a2);
    }

    private static boolean isUsable(Connection c) {
        try (Statement s = c.createStatement()) {
            s.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
