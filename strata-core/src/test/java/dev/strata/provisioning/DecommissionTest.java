package dev.strata.provisioning;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.Documents;
import dev.strata.testing.ServerSnapshot;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Decommissioning removes a tenant's data in its mode and keeps its registry row and audit trail. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecommissionTest {
    private Strata strata;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void a_t1_with_live_t2s_is_refused_without_cascade_and_nothing_changes() throws SQLException {
        strata.tenants().create(NewTenant.t1("keeper"));
        Tenant child = strata.tenants().create(NewTenant.t2("keeper-child", "keeper"));
        ServerSnapshot before = ServerSnapshot.of(strata);
        assertThatThrownBy(() -> strata.tenants().decommission("keeper", false))
                .isInstanceOf(StrataException.class).hasMessageContaining("keeper-child")
                .extracting("code").isEqualTo(ErrorCode.HAS_CHILDREN);
        assertThat(ServerSnapshot.of(strata)).isEqualTo(before);
        assertThat(Documents.visible(strata, child.id())).isEmpty();
    }

    @Test
    void a_database_mode_tenant_loses_its_database_and_role_but_keeps_its_registry_row() throws SQLException {
        Tenant t1 = strata.tenants().create(NewTenant.t1("gone-db"));
        Documents.insert(strata, t1.id(), "bye");
        String database = t1.placement().database();
        Tenant done = strata.tenants().decommission("gone-db", false);
        assertThat(done.status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(databaseExists(database)).isFalse();
        assertThat(roleExists(strata.config().namespace() + "_app_t_" + t1.id().toString().replace("-", ""))).isFalse();
        assertThat(strata.tenants().get(t1.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().history(t1.id().toString())).extracting(e -> e.action()).containsExactly("created", "decommissioned");
        assertThatThrownBy(() -> Documents.visible(strata, t1.id()))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_DECOMMISSIONED);
        assertThatThrownBy(() -> strata.tenants().decommission(t1.id().toString(), false))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_DECOMMISSIONED);
    }

    @Test
    void an_rls_tenant_loses_its_rows_and_its_siblings_keep_theirs() throws SQLException {
        strata.tenants().create(NewTenant.t1("home"));
        Tenant leaving = strata.tenants().create(NewTenant.t2("leaving", "home"));
        Tenant staying = strata.tenants().create(NewTenant.t2("staying", "home"));
        Documents.insert(strata, leaving.id(), "mine");
        Documents.insert(strata, staying.id(), "ours");
        strata.tenants().decommission("leaving", false);
        assertThat(Documents.stored(leaving)).isEmpty();
        assertThat(Documents.stored(staying)).hasSize(1);
        try (Connection c = TestStrata.admin(leaving.placement().database());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM platform.tenants WHERE id = ?")) {
            ps.setObject(1, leaving.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("unregistered from the T1's database").isZero();
            }
        }
    }

    @Test
    void a_schema_tenant_loses_its_schema() throws SQLException {
        strata.tenants().create(NewTenant.t1("host"));
        Tenant schemaT2 = strata.tenants().create(NewTenant.t2("own-schema", "host").withMode(IsolationMode.SCHEMA));
        Documents.insert(strata, schemaT2.id(), "mine");
        strata.tenants().decommission("own-schema", false);
        try (Connection c = TestStrata.admin(schemaT2.placement().database());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schemaT2.placement().schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void cascade_decommissions_the_t2s_first_and_frees_the_slugs() {
        strata.tenants().create(NewTenant.t1("family"));
        strata.tenants().create(NewTenant.t2("kid-rls", "family"));
        strata.tenants().create(NewTenant.t2("kid-db", "family").withMode(IsolationMode.DATABASE));
        strata.tenants().decommission("family", true);
        assertThat(strata.tenants().get("kid-rls").status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().get("kid-db").status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(strata.tenants().get("family").status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        Tenant again = strata.tenants().create(NewTenant.t1("family"));
        assertThat(again.status()).as("a decommissioned tenant's slug can be reused").isEqualTo(TenantStatus.ACTIVE);
        assertThat(strata.tenants().get("family").id()).as("the live tenant wins a slug lookup").isEqualTo(again.id());
    }

    private static boolean databaseExists(String name) throws SQLException {
        return exists("SELECT 1 FROM pg_database WHERE datname = ?", name);
    }

    private static boolean roleExists(String name) throws SQLException {
        return exists("SELECT 1 FROM pg_roles WHERE rolname = ?", name);
    }

    private static boolean exists(String sql, String arg) throws SQLException {
        try (Connection c = TestStrata.admin("postgres"); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
