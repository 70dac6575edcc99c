package dev.strata.move;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.move.MoveStep;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static dev.strata.IsolationMode.DATABASE;
import static dev.strata.IsolationMode.RLS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A T1 in database mode moves online from a PostgreSQL plane onto a Neon plane (a project of its own,
 * or a branch of the template, made as a journalled step of the move) carrying its RLS-mode T2s, and
 * off it again onto a PostgreSQL plane (its project or branch deleted once the routing flipped);
 * a move onto Neon that fails is rolled back, deleting the project it made; a move off a project
 * without logical replication is refused before anything is done. Against neon-local; every call
 * has the shapes of Neon's API definition.
 */
class NeonPlaneMoveTest {
    static final String PROJECTS = "neon-pm";
    static final String BRANCHES = "neon-bm";
    static final NeonLocal NEON = NeonPlanes.shared();

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP).withSetUp(s -> {
        NeonPlanes.addProjectPlane(s, NEON, PROJECTS);
        String template = NeonPlanes.createTemplateProject(NEON, "neon-bm-template-" + UUID.randomUUID());
        NeonPlanes.enableLogicalReplication(NEON, template); // T1 branches of it can be moved off again
        NeonPlanes.addBranchPlane(s, NEON, BRANCHES, template);
    });

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NEON);
    }

    @Test
    void a_t1_moves_onto_a_neon_project_with_its_t2_and_back_off_it_online() throws Exception {
        Tenant t1 = strata().tenants().create(NewTenant.t1("npm-mover").withMode(DATABASE));
        Tenant child = strata().tenants().create(NewTenant.t2("npm-child", t1.slug()).withMode(RLS));
        Tenant neighbour = strata().tenants().create(NewTenant.t1("npm-neighbour").withMode(DATABASE));
        Shop.seed(strata(), t1.id(), "t1");
        Shop.seed(strata(), child.id(), "child");
        Shop.seed(strata(), neighbour.id(), "neighbour");
        Placement local = t1.placement();

        Placement onNeon = moveUnderWriters(t1, child, neighbour, PROJECTS);
        NeonPlacement placement = strata().internals().neonPlacements().of(t1.id()).orElseThrow();
        JsonNode project = NeonPlanes.project(NEON, placement.projectId());
        assertThat(project).as("the T1's own Neon project").isNotNull();
        assertThat(project.path("name").asText()).isEqualTo("strata-" + strata().config().namespace().replace('_', '-')
                + "-" + t1.id());
        assertThat(MoveWorld.databaseExists(local.database())).as("the source database").isFalse();

        enableLogicalReplication(t1);
        moveUnderWriters(t1, child, neighbour, DataPlane.DEFAULT_KEY);
        assertThat(NeonPlanes.project(NEON, placement.projectId())).as("its Neon project, once the routing flipped").isNull();
        assertThat(strata().internals().neonPlacements().of(t1.id())).isEmpty();
        assertThat(MoveWorld.replicationArtefacts()).isEmpty();
        assertThat(onNeon.database()).isNotNull();
    }

    @Test
    void a_t1_moves_onto_a_branch_of_the_neon_template_and_back_off_it() throws Exception {
        Tenant t1 = strata().tenants().create(NewTenant.t1("nbm-mover").withMode(DATABASE));
        Tenant child = strata().tenants().create(NewTenant.t2("nbm-child", t1.slug()).withMode(RLS));
        Tenant neighbour = strata().tenants().create(NewTenant.t1("nbm-neighbour").withMode(DATABASE));
        Shop.seed(strata(), t1.id(), "t1");
        Shop.seed(strata(), child.id(), "child");
        Shop.seed(strata(), neighbour.id(), "neighbour");

        moveUnderWriters(t1, child, neighbour, BRANCHES);
        NeonPlacement placement = strata().internals().neonPlacements().of(t1.id()).orElseThrow();
        assertThat(branchNames(placement.projectId())).contains("t1-" + t1.id());

        moveUnderWriters(t1, child, neighbour, DataPlane.DEFAULT_KEY);
        assertThat(branchNames(placement.projectId())).as("its branch, once the routing flipped").doesNotContain("t1-" + t1.id());
        assertThat(NeonPlanes.project(NEON, placement.projectId())).as("the template project stays").isNotNull();
    }

    @Test
    void a_move_onto_neon_that_fails_is_rolled_back_and_deletes_the_project_it_made() throws Exception {
        Tenant t1 = strata().tenants().create(NewTenant.t1("npm-fails").withMode(DATABASE));
        Shop.seed(strata(), t1.id(), "stays");
        Placement before = t1.placement();
        long rows;
        try (Connection c = TestStrata.admin(before.database())) {
            rows = MoveWorld.rowsAt(c, PhysicalNames.APP_SCHEMA, t1.id());
        }
        String[] project = new String[1];
        strata().internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.MOVE && step == MoveStep.INITIAL_COPY) {
                project[0] = strata().internals().neonPlacements().of(t1.id()).orElseThrow().projectId();
                throw new StrataException(ErrorCode.INTERNAL, "the copy failed");
            }
        });
        try {
            assertThatThrownBy(() -> strata().tenants().move(t1.slug(), MoveRequest.to(DATABASE).withPlane(PROJECTS)))
                    .isInstanceOf(StrataException.class).hasMessageContaining("the copy failed");
        } finally {
            strata().internals().operations().leases().stepHook(null);
        }
        OperationInfo move = strata().operations().list().stream()
                .filter(o -> o.kind() == OperationKind.MOVE && t1.id().equals(o.tenantId())).findFirst().orElseThrow();
        assertThat(move.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(project[0]).as("the move had made a project").isNotNull();
        assertThat(NeonPlanes.project(NEON, project[0])).as("the project the move made").isNull();
        assertThat(strata().internals().neonPlacements().of(t1.id())).isEmpty();
        Tenant after = strata().tenants().get(t1.id());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(after.placement().database()).isEqualTo(before.database());
        assertThat(after.placement().dataPlane()).isEqualTo(before.dataPlane());
        try (Connection c = TestStrata.admin(before.database())) {
            assertThat(MoveWorld.rowsAt(c, PhysicalNames.APP_SCHEMA, t1.id())).isEqualTo(rows);
        }
        Shop.seed(strata(), t1.id(), "still served at its source");
    }

    @Test
    void a_move_off_a_project_without_logical_replication_is_refused_before_anything_is_done() {
        Tenant t1 = strata().tenants().create(NewTenant.t1("npm-nolr").withPlane(PROJECTS));
        String project = strata().internals().neonPlacements().of(t1.id()).orElseThrow().projectId();

        assertThatThrownBy(() -> strata().tenants().move(t1.slug(), MoveRequest.to(DATABASE).withPlane(DataPlane.DEFAULT_KEY)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining(project).hasMessageContaining("enable_logical_replication");
        assertThat(strata().tenants().get(t1.id()).placement()).isEqualTo(t1.placement());
        assertThat(strata().operations().list()).noneMatch(o -> o.kind() == OperationKind.MOVE && t1.id().equals(o.tenantId()));
        assertThat(NeonPlanes.project(NEON, project)).isNotNull();
    }

    @Test
    void a_neon_plane_of_another_region_is_refused_before_any_project_is_made() {
        Tenant t1 = strata().tenants().create(NewTenant.t1("npm-resident").withMode(DATABASE).withRegion("mars-2"));

        assertThatThrownBy(() -> strata().tenants().move(t1.slug(), MoveRequest.to(DATABASE).withPlane(PROJECTS)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining("region 'mars-2'").hasMessageContaining("--force-region");
        assertThat(strata().tenants().get(t1.id()).placement()).isEqualTo(t1.placement());
        assertThat(strata().internals().neonPlacements().of(t1.id())).isEmpty();
        List<String> names = new java.util.ArrayList<>();
        NeonPlanes.calls(NEON).get("/projects").body().path("projects").forEach(p -> names.add(p.path("name").asText()));
        assertThat(names).as("no project made for the tenant").noneMatch(n -> n.contains(t1.id().toString()));
    }

    @Test
    void draining_a_neon_plane_moves_its_t1s_off_it_once_their_projects_enable_logical_replication() throws Exception {
        String plane = "neon-drained";
        NeonPlanes.addProjectPlane(strata(), NEON, plane);
        Tenant ready = strata().tenants().create(NewTenant.t1("npd-ready").withPlane(plane));
        Tenant carried = strata().tenants().create(NewTenant.t2("npd-carried", ready.slug()).withMode(RLS));
        Tenant later = strata().tenants().create(NewTenant.t1("npd-later").withPlane(plane));
        String readyProject = strata().internals().neonPlacements().of(ready.id()).orElseThrow().projectId();
        String laterProject = strata().internals().neonPlacements().of(later.id()).orElseThrow().projectId();
        NeonPlanes.enableLogicalReplication(NEON, readyProject);
        for (Tenant t : List.of(ready, carried, later)) {
            Shop.seed(strata(), t.id(), "drained");
        }

        OperationInfo first = DrainWorld.awaitEnd(strata(), strata().planes().drain(plane).drainOperation());
        assertThat(first.state()).isEqualTo(OperationState.FAILED);
        assertThat(first.report()).containsEntry("moved", 1).containsEntry("failed", 1);
        assertThat(first.error()).contains(later.slug()).contains("enable_logical_replication");
        assertThat(strata().tenants().get(ready.id()).placement().dataPlane()).isEqualTo(DataPlane.DEFAULT_KEY);
        assertThat(strata().tenants().get(carried.id()).placement().database())
                .isEqualTo(strata().tenants().get(ready.id()).placement().database());
        assertThat(NeonPlanes.project(NEON, readyProject)).isNull();
        assertThat(strata().tenants().get(later.id()).placement().dataPlane()).isEqualTo(plane);

        NeonPlanes.enableLogicalReplication(NEON, laterProject);
        OperationInfo rest = DrainWorld.awaitEnd(strata(), strata().planes().drain(plane).drainOperation());
        assertThat(rest.state()).as("%s", rest.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(strata().planes().get(plane).tenants()).isZero();
        assertThat(NeonPlanes.project(NEON, laterProject)).isNull();
        for (Tenant t : List.of(ready, carried, later)) {
            assertThat(DrainWorld.customers(strata(), t.id())).as(t.slug()).isEqualTo(2);
            assertThat(strata().tenants().get(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
        }
    }

    /**
     * Moves the T1 (with its child) to a database of its own on {@code plane} while the T1 and a
     * neighbour write; checks every table's rows of both tenants at the target, every acknowledged
     * write once, the neighbour untouched and isolated, the routing at the target, and the source
     * database gone (its capture with it).
     */
    private Placement moveUnderWriters(Tenant t1, Tenant child, Tenant neighbour, String plane) throws Exception {
        Placement source = strata().tenants().get(t1.id()).placement();
        Map<String, Long> t1Before;
        Map<String, Long> childBefore;
        try (Connection c = admin(source)) {
            t1Before = tableCounts(c, t1.id());
            childBefore = tableCounts(c, child.id());
        }
        OperationInfo move;
        MoveWorld.Writer writer = new MoveWorld.Writer(strata(), t1);
        MoveWorld.Writer neighbourWriter = new MoveWorld.Writer(strata(), neighbour);
        try (writer; neighbourWriter) {
            writer.atLeast(10);
            neighbourWriter.atLeast(10);
            move = strata().tenants().move(t1.slug(), MoveRequest.to(DATABASE).withPlane(plane));
            writer.atLeast(writer.acknowledged.size() + 10);
        }
        assertThat(move.state()).as("move %s: %s", move.id(), move.error()).isEqualTo(OperationState.SUCCEEDED);
        MoveWorld.assertEveryAcknowledgedWriteOnce(strata(), writer);
        MoveWorld.assertEveryAcknowledgedWriteOnce(strata(), neighbourWriter);
        assertThat(writer.errors.keySet()).isSubsetOf(Set.of(ErrorCode.TENANT_MOVING));
        assertThat(neighbourWriter.errors).as("the neighbour saw no error").isEmpty();

        Placement target = strata().tenants().get(t1.id()).placement();
        assertThat(target.dataPlane()).isEqualTo(plane);
        assertThat(target.mode()).isEqualTo(DATABASE);
        assertThat(strata().tenants().get(child.id()).placement().database()).as("the child came along")
                .isEqualTo(target.database());
        assertThat(strata().tenants().get(t1.id()).status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(strata().tenants().get(child.id()).status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(strata().internals().router().route(t1.id()).database().dataPlane()).as("routed to the target")
                .isEqualTo(plane);
        try (Connection c = admin(target)) {
            Map<String, Long> t1After = tableCounts(c, t1.id());
            for (String table : List.of("orders", "order_lines", "events")) {
                assertThat(t1After.get(table)).as("%s rows of the T1", table).isEqualTo(t1Before.get(table));
            }
            assertThat(t1After.get("customers")).isEqualTo(t1Before.get("customers") + writer.acknowledged.size());
            assertThat(tableCounts(c, child.id())).as("every row of the child").isEqualTo(childBefore);
            assertThat(tableCounts(c, neighbour.id()).values()).as("no row of the neighbour")
                    .allSatisfy(n -> assertThat(n).isZero());
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM pg_publication WHERE pubname LIKE 'strata\\_mv\\_%')
                         + (SELECT count(*) FROM pg_namespace WHERE nspname = 'strata_capture')""");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("capture left at the target").isZero();
            }
        }
        if (!strata().internals().neonPlane().isNeon(source.dataPlane())) {
            assertThat(MoveWorld.databaseExists(source.database())).as("the source database").isFalse();
        }
        assertThat(customersSeenBy(t1, neighbour.id())).isZero();
        assertThat(customersSeenBy(neighbour, t1.id())).isZero();
        assertThat(customersSeenBy(t1, child.id())).as("the T1 reads its child's rows").isEqualTo(childBefore.get("customers"));
        Shop.seed(strata(), t1.id(), "after the move to " + plane);
        return target;
    }

    /**
     * Enables logical replication on the Neon T1's project. Neon restarts the project's computes to
     * apply it, ending every session: this process's pooled connections to the T1 are dropped with them
     * (as a pool finds them broken), so that the writers start on fresh ones.
     */
    private void enableLogicalReplication(Tenant t1) {
        NeonPlanes.enableLogicalReplication(NEON, strata().internals().neonPlacements().of(t1.id()).orElseThrow().projectId());
        Placement p = strata().tenants().get(t1.id()).placement();
        strata().internals().pools().closePool(new dev.strata.internal.pool.DatabaseKey(p.dataPlane(), p.database()));
    }

    private long customersSeenBy(Tenant reader, UUID owner) throws SQLException {
        return MoveWorld.customersSeenBy(strata(), reader, owner);
    }

    /** An administrator's connection to a placement's database: the server's, or the Neon T1's endpoint. */
    private Connection admin(Placement p) throws SQLException {
        DataPlane plane = strata().internals().neonPlane().isNeon(p.dataPlane())
                ? strata().internals().neonPlane().of(p.dataPlane(), p.database()) : strata().internals().plane(p.dataPlane());
        return plane.openAdmin(p.database());
    }

    private static Map<String, Long> tableCounts(Connection c, UUID tenant) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : MoveWorld.SHOP_TABLES) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM app." + table + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(table, rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static List<String> branchNames(String projectId) {
        List<String> out = new java.util.ArrayList<>();
        for (JsonNode b : NeonPlanes.calls(NEON).get("/projects/" + projectId + "/branches").body().path("branches")) {
            out.add(b.path("name").asText());
        }
        return out;
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
