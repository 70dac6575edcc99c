package dev.strata.audit;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A freshly provisioned installation, with T1s and T2s in every isolation mode, passes the audit. */
class AuditCleanInstallationTest {
    private static Strata strata;
    private static AuditReport report;

    @BeforeAll
    static void provisionEveryModeAndAudit() {
        strata = TestStrata.start();
        Tenant alpha = strata.tenants().create(NewTenant.t1("alpha"));
        strata.tenants().create(NewTenant.t2("alpha-rls", alpha.slug()));
        strata.tenants().create(NewTenant.t2("alpha-schema", alpha.slug()).withMode(IsolationMode.SCHEMA));
        strata.tenants().create(NewTenant.t2("alpha-db", alpha.slug()).withMode(IsolationMode.DATABASE));
        Tenant beta = strata.tenants().create(NewTenant.t1("beta").withMode(IsolationMode.RLS));
        strata.tenants().create(NewTenant.t2("beta-rls", beta.slug()));
        Tenant gamma = strata.tenants().create(NewTenant.t1("gamma").withMode(IsolationMode.SCHEMA));
        strata.tenants().create(NewTenant.t2("gamma-rls", gamma.slug()));
        strata.tenants().create(NewTenant.t2("gamma-schema", gamma.slug()).withMode(IsolationMode.SCHEMA));
        report = strata.audit();
    }

    @AfterAll
    static void dropNamespace() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void a_clean_installation_has_no_violations_and_no_warnings() {
        assertThat(report.findings()).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.violations()).isZero();
    }

    @Test
    void every_database_strata_manages_is_listed_as_checked() throws Exception {
        String namespace = strata.config().namespace();
        List<String> expected = new ArrayList<>(List.of(namespace, namespace + "_template"));
        try (Connection c = TestStrata.admin(namespace);
             PreparedStatement ps = c.prepareStatement("SELECT name FROM platform.databases WHERE dropped_at IS NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                expected.add(rs.getString(1));
            }
        }
        assertThat(expected).contains(namespace + "_shared_rls", namespace + "_shared_schema").hasSize(2 + 4);
        assertThat(report.databases()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void the_report_names_every_rule_it_applied() {
        assertThat(report.checks()).contains("app_role_attributes", "app_role_owns_nothing", "app_role_no_create",
                "app_role_table_privileges", "rls_enabled_and_forced", "rls_policies", "keys_include_tenant_id",
                "views_security_invoker", "security_definer_functions", "context_functions",
                "database_connect_privileges", "tenant_id_indexed", "shared_sequences", "context_defaults",
                "leakproof_functions", "placement_guard");
    }

    @Test
    void auditing_again_finds_the_same_and_leaves_tenants_working() throws Exception {
        AuditReport again = strata.audit();
        assertThat(again.findings()).isEqualTo(report.findings());
        assertThat(again.databases()).isEqualTo(report.databases());
        Tenant alphaRls = strata.tenants().get("alpha-rls");
        int inserted = strata.inTenant(alphaRls.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, title) VALUES (?, 'after audit')")) {
                ps.setObject(1, scope.tenantId());
                return ps.executeUpdate();
            }
        });
        assertThat(inserted).isEqualTo(1);
    }
}
