package dev.strata.context;

import dev.strata.Tenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.strata.context.TenantFixture.contextTenant;
import static dev.strata.context.TenantFixture.ownTitles;
import static dev.strata.context.TenantFixture.strings;
import static dev.strata.context.TenantFixture.titles;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever JDBC call opens a transaction on a tenant connection, the tenant context is already in
 * force for it: the first statement itself sees only the tenant's rows and may write them. Writes
 * are rolled back at the end of each test.
 */
class ContextFirstStatementTest {
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

    private static final String INSERT = "INSERT INTO documents (tenant_id, title) VALUES (?, ?)";

    @Test
    void prepared_execute_query_as_first_statement_sees_only_own_rows() throws Exception {
        for (Tenant t : List.of(fx.a1, fx.a2, fx.sigma)) {
            assertThat(fx.strata.<List<String>, java.sql.SQLException>inTenant(t.id(), scope -> titles(scope.connection()))).isEqualTo(ownTitles(t));
        }
    }

    @Test
    void t1_first_statement_sees_its_own_and_its_t2s_rows() throws Exception {
        List<String> seen = fx.strata.inTenant(fx.alpha.id(), scope -> titles(scope.connection()));
        List<String> expected = new ArrayList<>(ownTitles(fx.a1));
        expected.addAll(ownTitles(fx.a2));
        expected.addAll(ownTitles(fx.alpha));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void prepared_execute_update_as_first_statement_writes_in_context() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Connection c = scope.connection();
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, "new");
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(titles(c)).contains("new").hasSize(4);
            c.rollback();
        });
    }

    @Test
    void prepared_execute_large_update_as_first_statement_writes_in_context() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("UPDATE documents SET body = 'x'")) {
                assertThat(ps.executeLargeUpdate()).isEqualTo(3L);
            }
            scope.connection().rollback();
        });
    }

    @Test
    void prepared_execute_as_first_statement_returns_the_users_result() throws Exception {
        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT title FROM documents ORDER BY 1")) {
                assertThat(ps.execute()).isTrue();
                assertThat(strings(ps.getResultSet())).isEqualTo(ownTitles(fx.a2));
            }
        });
        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("DELETE FROM documents")) {
                assertThat(ps.execute()).isFalse();
                assertThat(ps.getUpdateCount()).isEqualTo(3);
            }
            scope.connection().rollback();
        });
    }

    @Test
    void plain_statement_query_update_and_execute_as_first_statement_run_in_context() throws Exception {
        assertThat(fx.strata.<List<String>, java.sql.SQLException>inTenant(fx.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement();
                 ResultSet rs = s.executeQuery("SELECT title FROM documents ORDER BY title")) {
                return strings(rs);
            }
        })).isEqualTo(ownTitles(fx.a1));
        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                assertThat(s.executeUpdate("UPDATE documents SET body = 'y'")).isEqualTo(3);
            }
            scope.connection().rollback();
        });
        fx.strata.useTenant(fx.sigma.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                assertThat(s.execute("SELECT count(*) FROM documents")).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
            }
        });
    }

    @Test
    void plain_statement_with_several_statements_as_first_statement_returns_each_result() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                assertThat(s.execute("UPDATE documents SET body = 'z'; SELECT count(*) FROM documents WHERE body = 'z'")).isFalse();
                assertThat(s.getUpdateCount()).isEqualTo(3);
                assertThat(s.getMoreResults()).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(3);
                }
                assertThat(s.getMoreResults()).isFalse();
                assertThat(s.getUpdateCount()).isEqualTo(-1);
            }
            scope.connection().rollback();
        });
    }

    @Test
    void statement_batch_as_first_statement_runs_in_context() throws Exception {
        fx.strata.useTenant(fx.a2.id(), scope -> {
            Connection c = scope.connection();
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO documents (tenant_id, title) VALUES ('" + scope.tenantId() + "', 'b1')");
                s.addBatch("INSERT INTO documents (tenant_id, title) VALUES ('" + scope.tenantId() + "', 'b2')");
                assertThat(s.executeBatch()).containsExactly(1, 1);
            }
            assertThat(titles(c)).contains("b1", "b2").hasSize(5);
            c.rollback();
        });
    }

    @Test
    void prepared_batch_as_first_statement_runs_in_context() throws Exception {
        fx.strata.useTenant(fx.a2.id(), scope -> {
            Connection c = scope.connection();
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (String title : List.of("p1", "p2", "p3")) {
                    ps.setObject(1, scope.tenantId());
                    ps.setString(2, title);
                    ps.addBatch();
                }
                assertThat(ps.executeBatch()).containsExactly(1, 1, 1);
            }
            assertThat(titles(c)).contains("p1", "p2", "p3").hasSize(6);
            c.rollback();
        });
    }

    @Test
    void batch_for_another_tenant_is_refused_by_the_policy() throws Exception {
        UUID other = fx.a2.id();
        assertThat(fx.strata.<String, java.sql.SQLException>inTenant(fx.a1.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(INSERT)) {
                ps.setObject(1, other);
                ps.setString(2, "intruder");
                ps.addBatch();
                ps.executeBatch();
                return "written";
            } catch (java.sql.SQLException e) {
                scope.connection().rollback();
                return e.getSQLState();
            }
        })).isEqualTo("42501");
    }

    @Test
    void callable_statement_as_first_statement_runs_in_context() throws Exception {
        UUID seen = fx.strata.inTenant(fx.a1.id(), scope -> {
            try (CallableStatement cs = scope.connection().prepareCall("{? = call platform.current_tenant_id()}")) {
                cs.registerOutParameter(1, Types.OTHER);
                cs.execute();
                return UUID.fromString(cs.getObject(1).toString());
            }
        });
        assertThat(seen).isEqualTo(fx.a1.id());
        assertThat(fx.strata.<Integer, java.sql.SQLException>inTenant(fx.a1.id(), scope -> {
            try (CallableStatement cs = scope.connection().prepareCall("SELECT count(*) FROM documents");
                 ResultSet rs = cs.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        })).isEqualTo(3);
    }

    @Test
    void generated_keys_insert_as_first_statement_runs_in_context() throws Exception {
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Connection c = scope.connection();
            try (PreparedStatement ps = c.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS)) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, "keyed");
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    assertThat(keys.getObject("tenant_id", UUID.class)).isEqualTo(scope.tenantId());
                    assertThat(keys.getObject("id", UUID.class)).isNotNull();
                }
            }
            c.rollback();
        });
        fx.strata.useTenant(fx.a1.id(), scope -> {
            Connection c = scope.connection();
            try (PreparedStatement ps = c.prepareStatement(INSERT, new String[] {"id"})) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, "keyed");
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                }
            }
            try (Statement s = c.createStatement()) {
                assertThat(s.executeUpdate("UPDATE documents SET body = 'k' WHERE title = 'keyed'",
                        Statement.RETURN_GENERATED_KEYS)).isEqualTo(1);
            }
            c.rollback();
        });
        fx.strata.useTenant(fx.a2.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                assertThat(s.executeUpdate("UPDATE documents SET body = 'k'", Statement.RETURN_GENERATED_KEYS))
                        .isEqualTo(3);
            }
            scope.connection().rollback();
        });
    }

    @Test
    void cursor_fetch_as_first_statement_runs_in_context() throws Exception {
        assertThat(fx.strata.<List<String>, java.sql.SQLException>inTenant(fx.a1.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT title FROM documents ORDER BY title")) {
                ps.setFetchSize(1);
                try (ResultSet rs = ps.executeQuery()) {
                    return strings(rs);
                }
            }
        })).isEqualTo(ownTitles(fx.a1));
        assertThat(fx.strata.<List<String>, java.sql.SQLException>inTenant(fx.sigma.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.setFetchSize(2);
                try (ResultSet rs = s.executeQuery("SELECT title FROM documents ORDER BY title")) {
                    return strings(rs);
                }
            }
        })).isEqualTo(ownTitles(fx.sigma));
    }

    @Test
    void savepoint_as_first_operation_keeps_the_context_after_rolling_back_to_it() throws Exception {
        fx.strata.useTenant(fx.a2.id(), scope -> {
            Connection c = scope.connection();
            Savepoint sp = c.setSavepoint();
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM documents")) {
                assertThat(ps.executeUpdate()).isEqualTo(3);
            }
            c.rollback(sp);
            assertThat(contextTenant(c)).isEqualTo(scope.tenantId());
            assertThat(titles(c)).isEqualTo(ownTitles(fx.a2));
            Savepoint named = c.setSavepoint("named");
            c.releaseSavepoint(named);
        });
    }

    @Test
    void statement_metadata_before_the_first_execution_resolves_the_tenants_tables() throws Exception {
        for (Tenant t : List.of(fx.a1, fx.sigma)) {
            fx.strata.useTenant(t.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement("SELECT title FROM documents WHERE id = ?")) {
                    assertThat(ps.getMetaData().getColumnName(1)).isEqualTo("title");
                    assertThat(ps.getParameterMetaData().getParameterCount()).isEqualTo(1);
                }
                assertThat(titles(scope.connection())).isEqualTo(ownTitles(t));
            });
        }
    }

    @Test
    void context_functions_report_the_scopes_tenant_and_tier_and_nothing_without_a_scope() throws Exception {
        String sql = "SELECT platform.current_tenant_id(), platform.current_tenant_tier(), "
                + "cardinality(platform.visible_tenant_ids())";
        for (Tenant t : List.of(fx.a1, fx.alpha, fx.sigma)) {
            List<String> row = fx.strata.<List<String>, java.sql.SQLException>inTenant(t.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return List.of(rs.getString(1), rs.getString(2), rs.getString(3));
                }
            });
            int visible = t == fx.alpha ? 3 : 1;
            assertThat(row).containsExactly(t.id().toString(), Integer.toString(t.tier().level()), Integer.toString(visible));
        }
        String database = fx.alpha.placement().database();
        String role;
        String password;
        try (Connection m = dev.strata.testing.TestStrata.admin(fx.strata.config().namespace());
             PreparedStatement ps = m.prepareStatement("SELECT app_role, app_password FROM platform.databases WHERE name = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                role = rs.getString(1);
                password = rs.getString(2);
            }
        }
        try (Connection raw = dev.strata.testing.TestStrata.as(database, role, password)) {
            raw.setAutoCommit(false);
            for (int state = 0; state < 2; state++) {
                try (Statement s = raw.createStatement(); ResultSet rs = s.executeQuery(sql + ", (SELECT count(*) FROM app.documents)")) {
                    rs.next();
                    assertThat(rs.getString(1)).isNull();
                    assertThat(rs.getString(2)).isNull();
                    assertThat(rs.getInt(3)).isZero();
                    assertThat(rs.getInt(4)).isZero();
                }
                try (Statement s = raw.createStatement()) {
                    s.execute("SELECT set_config('app.tenant_id', '" + fx.a1.id() + "', true)");
                }
                raw.commit();
            }
        }
    }

    @Test
    void schema_mode_tenant_resolves_unqualified_names_to_its_schema() throws Exception {
        String schema = fx.strata.inTenant(fx.sigma.id(), scope -> {
            try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT current_schema()")) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(schema).isEqualTo(fx.sigma.placement().schema()).startsWith("t_");
    }
}
