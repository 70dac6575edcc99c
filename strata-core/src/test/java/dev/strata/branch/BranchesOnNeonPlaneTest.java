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
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.NeonT1s;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.DriverManager;
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
    static final String PLANE = "neon-br";
    static final NeonLocal NEON = NeonPlanes.shared();

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.DOCUMENTS)
            .withSetUp(s -> NeonPlanes.addProjectPlane(s, NEON, PLANE));

    private final Strata strata = FIXTURE.strata();

    @AfterEach
    void shapes() {
        NeonPlanes.checkShapes(NEON);
    }

    private NeonPlacement placement(Tenant t1) {
        return strata.internals().neonPlacements().of(t1.id()).orElseThrow();
    }

    @Test
    void a_dev_branch_of_a_neon_t1_is_a_child_of_its_production_branch_reached_with_its_own_role() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("nb-dev").withPlane(PLANE));
        Documents.insert(strata, t1.id(), "in production");

        DevBranch dev = strata.branches().create(t1.slug(), "dev", null);

        NeonApi api = strata.internals().neonPlacements().api(PLANE);
        assertThat(api.listBranches(placement(t1).projectId())).filteredOn(b -> b.id().equals(dev.neonBranchId()))
                .singleElement().satisfies(b -> assertThat(b.parentId()).isEqualTo(placement(t1).branchId()));
        try (Connection c = NeonT1s.connect(dev.connectionUri()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname = 'documents'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the T1's tables are on the branch").isPositive();
        }
        assertThat(Documents.visible(strata, t1.id())).as("production keeps serving the T1").hasSize(1);

        String project = placement(t1).projectId();
        strata.tenants().decommission(t1.slug(), true);
        assertThat(NeonPlanes.project(NEON, project)).as("decommissioning deleted its branches, then its project").isNull();
    }

    @Test
    void a_restore_brings_the_t1s_own_transactions_back_to_the_rows_of_then() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("nb-restore").withPlane(PLANE));
        Documents.insert(strata, t1.id(), "kept");
        NeonPlacement p = placement(t1);
        NeonApi api = strata.internals().neonPlacements().api(PLANE);
        long before = historyCopies();
        api.suspendEndpoint(p.projectId(), p.endpointId());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (historyCopies() <= before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(500);
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

    private static long historyCopies() throws Exception {
        var pg = dev.strata.neonlocal.testing.NeonLocalExtension.postgres();
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres",
                pg.user(), pg.password()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'nl\\_hist\\_%'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
