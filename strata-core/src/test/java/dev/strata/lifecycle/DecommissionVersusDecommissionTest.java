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

/** Two decommissions of the same tenant, or of a T1 and one of its T2s, at the same moment. */
class DecommissionVersusDecommissionTest {
    private static final int ROUNDS = 8;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofMillis(500)))
            .withSetUp(strata -> strata.tenants().create(NewTenant.t1("home").withMode(IsolationMode.RLS)));

    private final Strata strata = FIXTURE.strata();

    @Test
    void two_decommissions_of_one_tenant_decommission_it_once_and_refuse_the_other_cleanly() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            Tenant t2 = strata.tenants().create(NewTenant.t2("twice-" + round, "home"));
            Documents.insert(strata, t2.id(), "once");
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().decommission(t2.slug(), false),
                    () -> strata.tenants().decommission(t2.id().toString(), false));
            outcomes.forEach(o -> o.doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED));
            assertThat(Race.successes(outcomes)).as("exactly one decommission did it").isEqualTo(1);
            assertThat(strata.tenants().history(t2.id().toString())).filteredOn(e -> e.action().equals("decommissioned"))
                    .hasSize(1);
            assertThat(Documents.stored(t2)).isEmpty();
            Consistency.assertConsistent(strata, t2.slug());
        }
    }

    @Test
    void a_cascading_decommission_of_a_t1_racing_one_of_its_t2s_ends_with_both_gone_or_the_t1_cleanly_refused()
            throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            String parent = "tree-" + round;
            strata.tenants().create(NewTenant.t1(parent).withMode(round % 3 == 0 ? IsolationMode.DATABASE : IsolationMode.RLS));
            Tenant a = strata.tenants().create(NewTenant.t2(parent + "-a", parent));
            Tenant b = strata.tenants().create(NewTenant.t2(parent + "-b", parent));
            Documents.insert(strata, a.id(), "a");
            Documents.insert(strata, b.id(), "b");
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().decommission(parent, true),
                    () -> strata.tenants().decommission(a.slug(), false));
            outcomes.get(0).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT);
            outcomes.get(1).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            assertThat(Race.successes(outcomes)).as("at least one of them did its work").isPositive();
            Consistency.assertConsistent(strata, parent);
            if (strata.tenants().get(parent).status() != TenantStatus.DECOMMISSIONED) {
                strata.tenants().decommission(parent, true);
            }
            assertThat(strata.tenants().get(a.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            assertThat(strata.tenants().get(b.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            Consistency.assertConsistent(strata, parent);
        }
    }
}
