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
 * Creating T2s under a T1 while the T1 is decommissioned with cascade: either a create registers
 * first (the decommission is refused while it provisions) or the decommission marks the subtree
 * first (the creates are refused). Never a T2 left active in a dropped database.
 */
class CreateUnderParentVersusDecommissionTest {
    private static final int ROUNDS = 10;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofMillis(500)));

    private final Strata strata = FIXTURE.strata();

    @Test
    void t2_creates_racing_a_cascading_decommission_of_their_parent_end_done_or_cleanly_refused() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            IsolationMode parentMode = round % 2 == 0 ? IsolationMode.DATABASE : IsolationMode.RLS;
            String parent = "p" + round;
            strata.tenants().create(NewTenant.t1(parent).withMode(parentMode));
            IsolationMode thirdMode = round % 5 == 0 ? IsolationMode.DATABASE : IsolationMode.RLS;
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.tenants().decommission(parent, true),
                    () -> strata.tenants().create(NewTenant.t2(parent + "-rls", parent)),
                    () -> strata.tenants().create(NewTenant.t2(parent + "-schema", parent).withMode(IsolationMode.SCHEMA)),
                    () -> strata.tenants().create(NewTenant.t2(parent + "-third", parent).withMode(thirdMode)));
            outcomes.get(0).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT);
            for (Race.Outcome create : outcomes.subList(1, outcomes.size())) {
                create.doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            }
            List<Tenant> live = Consistency.assertConsistent(strata, parent);
            for (Tenant t : live) {
                if (t.parentId() != null && t.slug().startsWith(parent + "-")) {
                    Documents.insert(strata, t.id(), "survivor");
                    assertThat(Documents.visible(strata, t.id())).hasSize(1);
                }
            }
            if (strata.tenants().get(parent).status() != TenantStatus.DECOMMISSIONED) {
                assertThat(strata.tenants().decommission(parent, true).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            }
            Consistency.assertConsistent(strata, parent);
        }
    }
}
