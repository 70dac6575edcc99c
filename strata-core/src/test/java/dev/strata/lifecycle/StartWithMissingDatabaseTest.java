package dev.strata.lifecycle;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.audit.AuditReport;
import dev.strata.testing.AdminConnections;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Documents;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A registered tenant database that no longer exists (dropped behind Strata's back, or by a
 * decommission that died before recording it) does not keep Strata from starting: every other
 * tenant works, that T1's transactions fail with a Strata error, the audit names the database, and
 * the T1 can still be decommissioned.
 */
class StartWithMissingDatabaseTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.DOCUMENTS);

    @Test
    void strata_starts_and_serves_everyone_else_when_a_tenant_database_is_gone() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant kept = strata.tenants().create(NewTenant.t1("md-kept").withMode(IsolationMode.DATABASE));
        Tenant gone = strata.tenants().create(NewTenant.t1("md-gone").withMode(IsolationMode.DATABASE));
        Documents.insert(strata, kept.id(), "still here");
        Documents.insert(strata, gone.id(), "about to go");
        try (Connection c = AdminConnections.of("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE \"" + gone.placement().database() + "\" WITH (FORCE)");
        }

        Strata restarted = FIXTURE.restart();

        assertThat(Documents.visible(restarted, kept.id())).extracting(Documents.Doc::title).containsExactly("still here");
        Documents.insert(restarted, kept.id(), "and writable");
        assertThatThrownBy(() -> Documents.visible(restarted, gone.id())).isInstanceOf(StrataException.class);
        AuditReport audit = restarted.audit();
        assertThat(audit.findings()).filteredOn(f -> f.check().equals("audit_coverage"))
                .extracting(f -> f.database()).contains(gone.placement().database());
        assertThat(restarted.tenants().decommission(gone.slug(), true).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        assertThat(restarted.audit().findings()).filteredOn(f -> f.check().equals("audit_coverage")).isEmpty();
    }
}
