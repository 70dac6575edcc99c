package dev.strata.isolation;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.Documents.Doc;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * With a pool of one connection per database every transaction reuses the same server session,
 * and still no transaction ever runs with another tenant's context.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PooledContextTest {
    private Strata strata;
    private Tenant a1;
    private Tenant a2;

    @BeforeAll
    void start() throws SQLException {
        strata = TestStrata.start(b -> b.poolSizePerDatabase(1).connectionBudget(1));
        strata.tenants().create(NewTenant.t1("alpha"));
        a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
        a2 = strata.tenants().create(NewTenant.t2("a2", "alpha"));
        Documents.insert(strata, a1.id(), "a1 doc");
        Documents.insert(strata, a2.id(), "a2 doc");
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void alternating_tenants_on_one_connection_each_see_only_their_rows() throws SQLException {
        int backend = backendPid(a1.id());
        for (int i = 0; i < 20; i++) {
            Tenant t = i % 2 == 0 ? a1 : a2;
            assertThat(backendPid(t.id())).as("the same server session serves every transaction").isEqualTo(backend);
            List<Doc> visible = Documents.visible(strata, t.id());
            assertThat(visible).isNotEmpty().allSatisfy(d -> assertThat(d.tenantId()).isEqualTo(t.id()));
            assertThat(setting(t.id())).isEqualTo(t.id().toString());
        }
    }

    @Test
    void a_session_level_set_by_one_tenants_code_does_not_reach_the_next_transaction() throws SQLException {
        strata.useTenant(a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SET SESSION app.tenant_id = '" + a2.id() + "'");
            }
        });
        List<Doc> visible = Documents.visible(strata, a1.id());
        assertThat(visible).isNotEmpty().allSatisfy(d -> assertThat(d.tenantId()).isEqualTo(a1.id()));
        assertThat(setting(a1.id())).isEqualTo(a1.id().toString());
    }

    @Test
    void a_failed_transaction_leaves_no_context_behind() {
        assertThatThrownBy(() -> strata.useTenant(a1.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SELECT 1/0");
            }
        })).isInstanceOf(SQLException.class);
        assertThat(setting(a2.id())).isEqualTo(a2.id().toString());
    }

    @Test
    void a_commit_inside_the_callback_keeps_the_context_for_the_next_transaction() throws SQLException {
        List<String> settings = strata.inTenant(a1.id(), scope -> {
            String first = readSetting(scope.connection());
            scope.connection().commit();
            String afterCommit = readSetting(scope.connection());
            scope.connection().rollback();
            String afterRollback = readSetting(scope.connection());
            return List.of(first, afterCommit, afterRollback);
        });
        assertThat(settings).containsOnly(a1.id().toString());
    }

    @Test
    void autocommit_is_refused_on_a_tenant_connection() {
        assertThatThrownBy(() -> strata.useTenant(a1.id(), scope -> scope.connection().setAutoCommit(true)))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("autocommit");
    }

    private int backendPid(UUID tenant) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private String setting(UUID tenant) {
        try {
            return strata.inTenant(tenant, scope -> readSetting(scope.connection()));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readSetting(java.sql.Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting('app.tenant_id', true)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
