package dev.strata.audit;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.NeonPlaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit reaches T1 databases on a Neon plane (project placement, against neon-local): each is
 * checked at its own compute with the same rules as on a server, so a clean Neon T1 passes and a
 * table weakened there by its owner is a violation.
 */
class NeonAuditTest {
    @RegisterExtension
    static final NeonPlaneExtension NEON = NeonPlaneExtension.projectPlane("neon-audit");

    private final Strata strata = NEON.strata();

    /** A statement on the database the owner is connected to (its name inside the compute), for {@code role}. */
    private static String onTheDatabase(String statement, String role) {
        return "DO $$ BEGIN EXECUTE format('" + statement + "', current_database(), '" + role + "'); END $$";
    }

    @Test
    void a_clean_neon_t1_with_t2s_in_every_mode_it_allows_passes_and_is_listed_as_checked() {
        Tenant t1 = strata.tenants().create(NewTenant.t1("au-clean").withPlane(NEON.plane()));
        strata.tenants().create(NewTenant.t2("au-clean-rls", "au-clean").withMode(IsolationMode.RLS));
        strata.tenants().create(NewTenant.t2("au-clean-schema", "au-clean").withMode(IsolationMode.SCHEMA));
        strata.tenants().create(NewTenant.t1("au-local"));

        AuditReport report = strata.audit();

        assertThat(report.findings()).filteredOn(f -> t1.placement().database().equals(f.database())).isEmpty();
        assertThat(report.findings()).extracting(AuditFinding::check).doesNotContain("audit_coverage");
        assertThat(report.databases()).contains(t1.placement().database());
    }

    @Test
    void a_table_its_owner_weakened_in_a_neon_t1_is_a_violation() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("au-weak").withPlane(NEON.plane()));
        NEON.asOwner(t1, "ALTER TABLE app.documents NO FORCE ROW LEVEL SECURITY");

        AuditReport report = strata.audit();

        assertThat(report.passed()).isFalse();
        assertThat(report.findings()).filteredOn(f -> f.severity() == AuditSeverity.VIOLATION)
                .anySatisfy(f -> {
                    assertThat(f.database()).isEqualTo(t1.placement().database());
                    assertThat(f.object()).contains("documents");
                });
        NEON.asOwner(t1, "ALTER TABLE app.documents FORCE ROW LEVEL SECURITY");
        assertThat(strata.audit().findings()).filteredOn(f -> t1.placement().database().equals(f.database())).isEmpty();
    }

    @Test
    void a_privilege_on_the_database_granted_to_a_neon_t1s_app_role_is_a_violation_of_the_server_wide_rules() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("au-temp").withPlane(NEON.plane()));
        String appRole = strata.internals().names().appRole(t1.placement().database());
        NEON.asOwner(t1, onTheDatabase("GRANT TEMPORARY ON DATABASE %I TO %I", appRole));

        AuditReport report = strata.audit();

        assertThat(report.findings()).filteredOn(f -> f.severity() == AuditSeverity.VIOLATION)
                .anySatisfy(f -> {
                    assertThat(f.check()).isEqualTo("app_role_no_create");
                    assertThat(f.database()).isEqualTo(t1.placement().database());
                    assertThat(f.object()).isEqualTo(appRole);
                });
        NEON.asOwner(t1, onTheDatabase("REVOKE TEMPORARY ON DATABASE %I FROM %I", appRole));
        assertThat(strata.audit().findings()).filteredOn(f -> t1.placement().database().equals(f.database())).isEmpty();
    }
}
