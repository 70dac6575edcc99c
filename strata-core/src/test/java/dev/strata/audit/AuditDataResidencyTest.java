package dev.strata.audit;

import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data residency in the audit: every live tenant whose region (its own, or its T1's) differs from
 * the region of the plane holding its data is a {@code data_residency} warning naming the tenant,
 * its region, the plane and the plane's region; tenants in their region and tenants without one are not.
 */
class AuditDataResidencyTest {
    private static final String HOME = "eu-1";

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP).configured(b -> b.region(HOME));

    @BeforeAll
    static void secondPlane() {
        TwoPlanes.addSecond(FIXTURE.strata());
    }

    @Test
    void a_tenant_forced_out_of_its_region_and_its_t2s_are_findings_and_the_rest_are_not() {
        Strata strata = FIXTURE.strata();
        Tenant home = strata.tenants().create(NewTenant.t1("rz-home").withRegion(HOME));
        Tenant homeKid = strata.tenants().create(NewTenant.t2("rz-home-kid", home.slug()));
        Tenant nowhere = strata.tenants().create(NewTenant.t1("rz-nowhere").withPlane(TwoPlanes.SECOND));
        Tenant native2 = strata.tenants().create(NewTenant.t1("rz-native").withRegion(TwoPlanes.SECOND_REGION));
        Tenant away = strata.tenants().create(NewTenant.t1("rz-away").withRegion(HOME).withMode(IsolationMode.DATABASE));
        Tenant awayKid = strata.tenants().create(NewTenant.t2("rz-away-kid", away.slug()));
        assertThat(residency(strata.audit())).as("everyone in place").isEmpty();

        OperationInfo forced = strata.tenants().move(away.slug(),
                MoveRequest.to(IsolationMode.DATABASE).withPlane(TwoPlanes.SECOND).withForceRegion(true));
        assertThat(forced.state()).as("%s", forced.error()).isEqualTo(OperationState.SUCCEEDED);

        AuditReport report = strata.audit();
        List<AuditFinding> findings = residency(report);
        assertThat(report.checks()).contains("data_residency");
        assertThat(findings).extracting(AuditFinding::object).containsExactlyInAnyOrder(away.slug(), awayKid.slug());
        assertThat(findings).allSatisfy(f -> {
            assertThat(f.severity()).isEqualTo(AuditSeverity.WARNING);
            assertThat(f.database()).isEqualTo(strata.tenants().get(away.id()).placement().database());
            assertThat(f.message()).contains("is in region '" + HOME + "'")
                    .contains("data plane '" + TwoPlanes.SECOND + "', which is in region '" + TwoPlanes.SECOND_REGION + "'");
        });
        assertThat(findings).extracting(AuditFinding::object)
                .doesNotContain(home.slug(), homeKid.slug(), nowhere.slug(), native2.slug());
        assertThat(strata.tenants().get(native2.id()).placement().dataPlane()).isEqualTo(TwoPlanes.SECOND);
    }

    private static List<AuditFinding> residency(AuditReport report) {
        return report.findings().stream().filter(f -> f.check().equals("data_residency")).toList();
    }
}
