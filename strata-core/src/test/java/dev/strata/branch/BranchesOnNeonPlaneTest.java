package dev.strata.branch;

import dev.strata.DevBranch;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.RestoreRequest;
import dev.strata.RestoreResult;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.neon.NeonApi;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlaneExtension;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.NeonT1s;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dev branches and point-in-time restore of T1s that the Neon plane itself placed (project
 * placement, against neon-local): the branch is made from the T1's production branch and reachable
 * with its own role; a restore brings the T1's own transactions (through Strata's pools) back to the
 * rows of then. Every call is checked against Neon's API definition.
 */
class BranchesOnNeonPlaneTest {
    @RegisterExtension
    static final NeonPlaneExtension NEON = NeonPlaneExtension.projectPlane("neon-br");

    private final Strata strata = NEON.strata();

    @Test
    void a_dev_branch_of_a_neon_t1_is_a_child_of_its_production_branch_reached_with_its_own_role() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("nb-dev").withPlane(NEON.plane()));
        Documents.insert(strata, t1.id(), "in production");

        DevBranch dev = strata.branches().create(t1.slug(), "dev", null);

        NeonApi api = strata.internals().neonPlacements().api(NEON.plane());
        assertThat(api.listBranches(NEON.placementOf(t1).projectId())).filteredOn(b -> b.id().equals(dev.neonBranchId()))
                .singleElement().satisfies(b -> assertThat(b.parentId()).isEqualTo(NEON.placementOf(t1).branchId()));
        try (Connection c = NeonT1s.connect(dev.connectionUri()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'documents'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the T1's tables are on the branch").isPositive();
        }
        assertThat(Documents.visible(strata, t1.id())).as("production keeps serving the T1").hasSize(1);

        String project = NEON.placementOf(t1).projectId();
        strata.tenants().decommission(t1.slug(), true);
        assertThat(NeonPlanes.project(NEON.neon(), project)).as("decommissioning deleted its branches, then its project").isNull();
    }

    @Test
    void a_restore_brings_the_t1s_own_transactions_back_to_the_rows_of_then() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("nb-restore").withPlane(NEON.plane()));
        Documents.insert(strata, t1.id(), "kept");
        NeonPlacement p = NEON.placementOf(t1);
        NeonPlanes.takeHistoryPoint(strata.internals().neonPlacements().api(NEON.plane()), p.projectId(), p.endpointId());
        Instant good = Instant.now();
        Thread.sleep(1100);
        Documents.insert(strata, t1.id(), "a mistake");
        assertThat(Documents.visible(strata, t1.id())).hasSize(2);

        RestoreResult result = strata.tenants().restore(t1.slug(), new RestoreRequest(null, good, null));

        OperationInfo done;
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        do {
            Thread.sleep(100);
            done = strata.operations().show(result.operation());
        } while (done.state() == OperationState.RUNNING && System.nanoTime() < until);
        assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(OperationState.SUCCEEDED);
        assertThat(Documents.visible(strata, t1.id())).extracting(Documents.Doc::title).containsExactly("kept");
    }
}
