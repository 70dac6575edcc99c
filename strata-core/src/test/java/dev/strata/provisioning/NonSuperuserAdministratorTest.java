package dev.strata.provisioning;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.Documents;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Strata runs with an administrator that is not a superuser, only CREATEDB and CREATEROLE (as on managed services). */
class NonSuperuserAdministratorTest {

    @Test
    void every_mode_works_with_a_createdb_createrole_administrator() throws SQLException {
        String role = "adm_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String password = UUID.randomUUID().toString();
        try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + role + " LOGIN CREATEDB CREATEROLE PASSWORD '" + password + "'");
        }
        PostgresServer shared = SharedPostgres.server();
        PostgresServer limited = new PostgresServer(shared.host(), shared.port(), role, password, "postgres", shared.options());
        Strata strata = Strata.configure().server(limited).namespace(TestStrata.newNamespace())
                .statsFlushInterval(java.time.Duration.ZERO).tenantMigrations(TestStrata.MIGRATIONS).start();
        try {
            strata.tenants().create(NewTenant.t1("alpha"));
            strata.tenants().create(NewTenant.t1("small").withMode(IsolationMode.RLS));
            strata.tenants().create(NewTenant.t1("mid").withMode(IsolationMode.SCHEMA));
            List<Tenant> t2s = List.of(
                    strata.tenants().create(NewTenant.t2("a-rls", "alpha")),
                    strata.tenants().create(NewTenant.t2("a-schema", "alpha").withMode(IsolationMode.SCHEMA)),
                    strata.tenants().create(NewTenant.t2("a-db", "alpha").withMode(IsolationMode.DATABASE)),
                    strata.tenants().create(NewTenant.t2("s-rls", "small")),
                    strata.tenants().create(NewTenant.t2("m-rls", "mid")));
            for (Tenant t : t2s) {
                Documents.insert(strata, t.id(), t.slug());
                assertThat(Documents.visible(strata, t.id())).extracting(Documents.Doc::title).containsExactly(t.slug());
            }
            for (Tenant t : t2s) {
                assertThat(strata.tenants().decommission(t.slug(), false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
                if (t.mode() == IsolationMode.RLS) {
                    assertThat(Documents.stored(t)).isEmpty();
                }
            }
            assertThat(strata.tenants().decommission("alpha", false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        } finally {
            TestStrata.stopAndDrop(strata);
            try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
                s.execute("DROP ROLE IF EXISTS " + role);
            }
        }
    }
}
