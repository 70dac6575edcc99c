package dev.strata.context;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The result sets a tenant connection hands out (written out by hand rather than as dynamic
 * proxies, since every transaction reads through one) keep every rule of the membrane: each of
 * the {@link ResultSet} interface's methods stops working when the callback ends, none hands out
 * a driver object, and the objects they return lead back only to tenant wrappers.
 */
class TenantResultSetTest {
    /** What a result set still answers after its transaction's callback ended. */
    private static final Set<String> AFTER_THE_CALLBACK = Set.of("close", "isClosed", "unwrap", "isWrapperFor");

    private static TenantFixture fx;

    @BeforeAll
    static void start() {
        fx = TenantFixture.start();
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void every_result_set_method_but_close_fails_once_the_callback_has_ended() throws Exception {
        AtomicReference<ResultSet> kept = new AtomicReference<>();
        fx.strata.useTenant(fx.a1.id(), scope -> {
            PreparedStatement ps = scope.connection().prepareStatement(
                    "SELECT title, ARRAY['x'] AS tags FROM documents ORDER BY title");
            ResultSet rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            kept.set(rs);
        });
        ResultSet rs = kept.get();
        List<String> worked = new ArrayList<>();
        int tried = 0;
        for (Method m : ResultSet.class.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) || AFTER_THE_CALLBACK.contains(m.getName())) {
                continue;
            }
            tried++;
            try {
                m.invoke(rs, arguments(m));
                worked.add(m.toString());
            } catch (InvocationTargetException e) {
                if (!(e.getCause() instanceof SQLException sql) || !"08003".equals(sql.getSQLState())) {
                    worked.add(m + " failed otherwise: " + e.getCause());
                }
            }
        }
        assertThat(tried).as("every method of the interface was tried").isGreaterThan(150);
        assertThat(worked).as("methods that did not refuse with 08003 (connection ended)").isEmpty();
        rs.close();
        assertThat(rs.isClosed()).isTrue();
    }

    @Test
    void a_tenant_result_set_is_no_driver_object_and_hands_none_out() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Statement s = scope.connection().createStatement();
            ResultSet rs = s.executeQuery("SELECT title, ARRAY['x'] AS tags FROM documents ORDER BY title");
            assertThat(rs).isNotInstanceOf(org.postgresql.jdbc.PgResultSet.class);
            assertThat(rs.isWrapperFor(org.postgresql.jdbc.PgResultSet.class)).isFalse();
            assertThat(rs.isWrapperFor(org.postgresql.PGResultSetMetaData.class)).isFalse();
            assertThat(rs.unwrap(ResultSet.class)).isSameAs(rs);
            assertThatThrownBy(() -> rs.unwrap(org.postgresql.jdbc.PgResultSet.class))
                    .isInstanceOf(SQLException.class).hasMessageContaining("driver objects");
            assertThat(rs.getStatement()).isSameAs(s);

            ResultSetMetaData md = rs.getMetaData();
            assertThat(md).isNotInstanceOf(org.postgresql.PGResultSetMetaData.class);
            assertThat(md.getColumnCount()).isEqualTo(2);
            assertThatThrownBy(() -> md.unwrap(org.postgresql.PGResultSetMetaData.class))
                    .isInstanceOf(SQLException.class);

            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("a1-1");
            assertThat(rs.getString("title")).isEqualTo("a1-1");
            for (Object value : new Object[] {rs.getArray(2), rs.getObject(2), rs.getObject("tags"),
                    rs.getObject(2, Array.class)}) {
                assertThat(value).isInstanceOf(Array.class);
                assertThat(value.getClass().getName()).doesNotStartWith("org.postgresql");
                ResultSet elements = ((Array) value).getResultSet();
                assertThat(elements).isNotInstanceOf(org.postgresql.jdbc.PgResultSet.class);
                assertThatThrownBy(() -> elements.unwrap(org.postgresql.jdbc.PgResultSet.class))
                        .isInstanceOf(SQLException.class);
                assertThat(elements.next()).isTrue();
                assertThat(elements.getString(2)).isEqualTo("x");
            }
            rs.close();
        });
    }

    @Test
    void a_cursor_read_from_a_result_set_is_a_tenant_result_set_of_the_same_statement() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("DECLARE titles CURSOR FOR SELECT title FROM documents ORDER BY title");
            }
            PreparedStatement ps = scope.connection().prepareStatement("SELECT 'titles'::refcursor");
            ResultSet rs = ps.executeQuery();
            assertThat(rs.next()).isTrue();
            Object cursor = rs.getObject(1);
            assertThat(cursor).isInstanceOf(ResultSet.class).isNotInstanceOf(org.postgresql.jdbc.PgResultSet.class);
            ResultSet rows = (ResultSet) cursor;
            assertThat(rows.getStatement()).isSameAs(ps);
            assertThat(TenantFixture.strings(rows)).containsExactly("a1-1", "a1-2", "a1-3");
        });
    }

    /** Harmless arguments for any method (the call must fail before using them). */
    private static Object[] arguments(Method m) {
        Class<?>[] types = m.getParameterTypes();
        Object[] args = new Object[types.length];
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i];
            if (t == int.class) {
                args[i] = 1;
            } else if (t == long.class) {
                args[i] = 1L;
            } else if (t == boolean.class) {
                args[i] = false;
            } else if (t == double.class) {
                args[i] = 1d;
            } else if (t == float.class) {
                args[i] = 1f;
            } else if (t == short.class) {
                args[i] = (short) 1;
            } else if (t == byte.class) {
                args[i] = (byte) 1;
            } else if (t == String.class) {
                args[i] = "title";
            } else if (t == Class.class) {
                args[i] = String.class;
            } else {
                args[i] = null;
            }
        }
        return args;
    }
}
