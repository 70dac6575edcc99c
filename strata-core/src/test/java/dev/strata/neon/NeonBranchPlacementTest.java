package dev.strata.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.DataPlaneInfo;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Neon plane in branch placement, against a neon-local whose projects take three branches: each
 * T1 is a child branch of the template project's default branch, its T2s live inside it, a project
 * at Neon's branch limit spills into a new one, and decommissioning deletes the branch.
 */
class NeonBranchPlacementTest {
    static final String PLANE = "neon-b";

    @RegisterExtension
    static final NeonPlaneExtension FIXTURE = NeonPlaneExtension.branchPlane(PLANE, o -> o.withLimits(700, 40, 3));

    private final Strata strata = FIXTURE.strata();
    private final String template = FIXTURE.templateProject();

    private JsonNode branch(NeonPlacement p) {
        return FIXTURE.calls().get("/projects/" + p.projectId() + "/branches/" + p.branchId()).body().path("branch");
    }

    @Test
    void the_plane_reports_branch_placement() {
        DataPlaneInfo info = strata.planes().get(PLANE);
        assertThat(info.kind()).isEqualTo("neon");
        assertThat(info.placement()).isEqualTo("branch");
    }

    @Test
    void t1s_are_branches_of_the_template_with_their_t2s_inside_and_spill_into_a_new_project_at_the_branch_limit()
            throws Exception {
        Tenant first = strata.tenants().create(NewTenant.t1("nb-first").withPlane(PLANE));
        Tenant kid = strata.tenants().create(NewTenant.t2("nb-kid", "nb-first").withMode(IsolationMode.SCHEMA));
        Tenant rows = strata.tenants().create(NewTenant.t2("nb-rows", "nb-first"));
        Tenant second = strata.tenants().create(NewTenant.t1("nb-second").withPlane(PLANE));
        Tenant third = strata.tenants().create(NewTenant.t1("nb-third").withPlane(PLANE));

        NeonPlacement p1 = FIXTURE.placementOf(first);
        NeonPlacement p2 = FIXTURE.placementOf(second);
        NeonPlacement p3 = FIXTURE.placementOf(third);
        assertThat(p1.projectId()).isEqualTo(template);
        assertThat(p2.projectId()).as("the template project holds main + 2 branches: its limit").isEqualTo(template);
        assertThat(p3.projectId()).as("spilled into a new project").isNotEqualTo(template);
        assertThat(branch(p1).path("name").asText()).isEqualTo("t1-" + first.id());
        assertThat(branch(p1).path("parent_id").asText()).isNotEmpty();
        assertThat(p1.branchId()).isNotEqualTo(p2.branchId());

        for (Tenant t : new Tenant[] {first, kid, rows, second, third}) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }
        assertThat(Documents.visible(strata, kid.id())).extracting(Documents.Doc::title).containsExactly("doc of nb-kid");
        assertThat(Documents.visible(strata, rows.id())).extracting(Documents.Doc::title).containsExactly("doc of nb-rows");
        assertThat(Documents.visible(strata, first.id())).extracting(Documents.Doc::title)
                .containsExactlyInAnyOrder("doc of nb-first", "doc of nb-rows");
        assertThat(Documents.visible(strata, second.id())).extracting(Documents.Doc::title).containsExactly("doc of nb-second");
        assertThat(Documents.visible(strata, third.id())).extracting(Documents.Doc::title).containsExactly("doc of nb-third");

        strata.tenants().decommission("nb-second", true);
        assertThat(FIXTURE.calls().get("/projects/" + p2.projectId() + "/branches/" + p2.branchId()).status())
                .isEqualTo(404);
        assertThat(Documents.visible(strata, first.id())).extracting(Documents.Doc::title)
                .containsExactlyInAnyOrder("doc of nb-first", "doc of nb-rows");
    }
}
