package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume and suspend racing a decommission of the same tenant (or of its T1): the decommission
 * always finishes, the status change either happened before it or is refused; never a tenant
 * active (or suspended) on dropped data.
 */
class StatusChangeVersusDecommissionTest {
    private static final int ROUNDS = 12;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofMillis(500)))
            .withSetUp(strata -> strata.tenants().create(NewTenant.t1("home")));

    private final Strata strata = FIXTURE.strata();

    @Test
    void resume_racing_decommission_of_a_t2_never_leaves_it_active_on_deleted_data() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            Tenant t2 = t2("resume-" + round, round);
            strata.tenants().suspend(t2.slug());
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().resume(t2.slug()),
                    () -> strata.tenants().decommission(t2.id().toString(), false));
            outcomes.get(0).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            outcomes.get(1).done();
            assertThat(strata.tenants().get(t2.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            Consistency.assertConsistent(strata, t2.slug());
        }
    }

    @Test
    void suspend_racing_decommission_of_a_t2_ends_decommissioned() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            Tenant t2 = t2("suspend-" + round, round);
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().suspend(t2.slug()),
                    () -> strata.tenants().decommission(t2.id().toString(), false));
            outcomes.get(0).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            outcomes.get(1).done();
            assertThat(strata.tenants().get(t2.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            Consistency.assertConsistent(strata, t2.slug());
        }
    }

    @Test
    void resume_of_a_t2_racing_the_cascading_decommission_of_its_t1_never_revives_it() throws SQLException {
        for (int round = 0; round < ROUNDS / 2; round++) {
            String parent = "family-" + round;
            strata.tenants().create(NewTenant.t1(parent).withMode(IsolationMode.RLS));
            Tenant kid = strata.tenants().create(NewTenant.t2(parent + "-kid", parent));
            Documents.insert(strata, kid.id(), "kid");
            strata.tenants().suspend(kid.slug());
            strata.tenants().suspend(parent);
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().resume(kid.slug()),
                    () -> strata.tenants().resume(parent),
                    () -> strata.tenants().decommission(parent, true));
            outcomes.get(0).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            outcomes.get(1).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            outcomes.get(2).done();
            assertThat(strata.tenants().get(kid.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            assertThat(Documents.stored(kid)).isEmpty();
            Consistency.assertConsistent(strata, parent);
        }
    }

    private Tenant t2(String slug, int round) throws SQLException {
        IsolationMode mode = round % 4 == 1 ? IsolationMode.SCHEMA : IsolationMode.RLS;
        Tenant t2 = strata.tenants().create(NewTenant.t2(slug, "home").withMode(mode));
        Documents.insert(strata, t2.id(), slug);
        return t2;
    }
}
