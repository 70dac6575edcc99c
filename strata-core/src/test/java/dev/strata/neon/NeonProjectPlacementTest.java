package dev.strata.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.DataPlaneInfo;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NeonOptions;
import dev.strata.NewPlane;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.neon.ColdStarts;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.neon.NeonPlacementRecord;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlaneExtension;
import dev.strata.testing.NeonPlanes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.sql.ResultSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A Neon plane in project placement (a Neon project per T1), against neon-local: adding the plane
 * checks the API, a T1 gets a project, an endpoint and roles of its own, its T2s in RLS and schema
 * mode are isolated inside it as on any plane, Neon's 423/429 answers are ridden out, a failed Neon
 * operation leaves nothing behind, decommissioning deletes the project, and a suspended compute is
 * waited for and counted. Every call is checked against Neon's API definition.
 */
class NeonProjectPlacementTest {
    static final String PLANE = "neon-p";
    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();

    @RegisterExtension
    static final NeonPlaneExtension FIXTURE = NeonPlaneExtension.projectPlane(PLANE).configured(b -> b.meterRegistry(METERS));

    private final Strata strata = FIXTURE.strata();
    private final NeonLocal neon = FIXTURE.neon();

    @Test
    void planes_list_shows_the_neon_plane_with_its_kind_placement_and_api_never_its_key() {
        DataPlaneInfo info = strata.planes().get(PLANE);
        assertThat(info.kind()).isEqualTo("neon");
        assertThat(info.placement()).isEqualTo("project");
        assertThat(info.address()).isEqualTo(neon.apiUrl().toString());
        assertThat(strata.planes().list()).extracting(DataPlaneInfo::key).contains("default", PLANE);
        assertThat(info.toString()).doesNotContain(NeonPlanes.API_KEY);
        assertThat(NeonOptions.of(neon.apiUrl(), NeonPlanes.API_KEY).toString()).doesNotContain(NeonPlanes.API_KEY);
    }

    @Test
    void adding_a_plane_with_a_refused_key_an_unreachable_api_or_an_unknown_template_registers_nothing() {
        assertThatThrownBy(() -> strata.planes().add(NewPlane.neon("neon-badkey",
                NeonOptions.of(neon.apiUrl(), "not-the-key-0123456789"))))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("refused the API key");
        assertThatThrownBy(() -> strata.planes().add(NewPlane.neon("neon-down",
                NeonOptions.of(URI.create("http://127.0.0.1:1/api/v2"), NeonPlanes.API_KEY))))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.DATA_PLANE_FAILED)
                .hasMessageContaining("cannot be reached").hasMessageContaining("Nothing was registered");
        assertThatThrownBy(() -> strata.planes().add(NewPlane.neon("neon-notemplate",
                NeonOptions.of(neon.apiUrl(), NeonPlanes.API_KEY).withPlacement(NeonOptions.Layout.BRANCH)
                        .withTemplateBranch("br-does-not-exist-123"))))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("br-does-not-exist-123");
        assertThat(strata.planes().list()).extracting(DataPlaneInfo::key)
                .doesNotContain("neon-badkey", "neon-down", "neon-notemplate");
    }

    @Test
    void a_t1_gets_a_neon_project_of_its_own_reached_at_its_own_endpoint() {
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-own").withPlane(PLANE));

        assertThat(t1.placement().dataPlane()).isEqualTo(PLANE);
        NeonPlacement p = FIXTURE.placementOf(t1);
        JsonNode project = NeonPlanes.project(neon, p.projectId());
        assertThat(project).isNotNull();
        assertThat(project.path("name").asText()).isEqualTo("strata-" + strata.config().namespace().replace('_', '-')
                + "-" + t1.id());
        assertThat(p.databaseName()).isEqualTo(t1.placement().database());
        NeonPlacementRecord r = strata.internals().neonPlane().recordOf(t1.id()).orElseThrow();
        assertThat(r.port()).as("the endpoint's own port, not the plane's").isPositive();
        Tenant other = strata.tenants().create(NewTenant.t1("np-other").withPlane(PLANE));
        NeonPlacementRecord o = strata.internals().neonPlane().recordOf(other.id()).orElseThrow();
        assertThat(o.placement().projectId()).isNotEqualTo(p.projectId());
        assertThat(o.port()).isNotEqualTo(r.port());
    }

    @Test
    void the_app_role_is_a_login_of_its_own_that_is_no_superuser_and_cannot_bypass_rls() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-role").withPlane(PLANE));
        strata.inTenant(t1.id(), scope -> {
            try (var s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("""
                    SELECT r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                           pg_has_role(session_user, 'neon_superuser', 'MEMBER'), session_user::text
                      FROM pg_roles r WHERE r.rolname = session_user""")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("superuser").isFalse();
                assertThat(rs.getBoolean(2)).as("bypassrls").isFalse();
                assertThat(rs.getBoolean(3)).as("createrole").isFalse();
                assertThat(rs.getBoolean(4)).as("createdb").isFalse();
                assertThat(rs.getBoolean(5)).as("member of neon_superuser").isFalse();
                assertThat(rs.getString(6)).startsWith(strata.config().namespace() + "_app_");
            }
            return null;
        });
    }

    @Test
    void t2s_in_rls_and_schema_mode_inside_a_neon_t1_each_see_only_their_own_rows() throws Exception {
        Tenant alpha = strata.tenants().create(NewTenant.t1("np-alpha").withPlane(PLANE));
        Tenant a1 = strata.tenants().create(NewTenant.t2("np-a1", "np-alpha").withMode(IsolationMode.RLS));
        Tenant a2 = strata.tenants().create(NewTenant.t2("np-a2", "np-alpha").withMode(IsolationMode.SCHEMA));
        Tenant a3 = strata.tenants().create(NewTenant.t2("np-a3", "np-alpha").withMode(IsolationMode.RLS));
        Tenant beta = strata.tenants().create(NewTenant.t1("np-beta"));
        Tenant b1 = strata.tenants().create(NewTenant.t2("np-b1", "np-beta"));
        for (Tenant t : new Tenant[] {alpha, a1, a2, a3, beta, b1}) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }

        assertThat(a1.placement().database()).isEqualTo(alpha.placement().database());
        assertThat(a2.placement().schema()).isNotEqualTo(alpha.placement().schema());
        assertThat(Documents.visible(strata, a1.id())).extracting(Documents.Doc::title).containsExactly("doc of np-a1");
        assertThat(Documents.visible(strata, a3.id())).extracting(Documents.Doc::title).containsExactly("doc of np-a3");
        assertThat(Documents.visible(strata, a2.id())).extracting(Documents.Doc::title).containsExactly("doc of np-a2");
        assertThat(Documents.visible(strata, alpha.id())).extracting(Documents.Doc::title)
                .containsExactlyInAnyOrder("doc of np-alpha", "doc of np-a1", "doc of np-a3");
        assertThat(Documents.visibleIn(strata, alpha.id(), a2.placement().schema())).extracting(Documents.Doc::title)
                .containsExactly("doc of np-a2");
        assertThat(Documents.visible(strata, beta.id())).extracting(Documents.Doc::title)
                .containsExactlyInAnyOrder("doc of np-beta", "doc of np-b1");
        assertThat(Documents.visibleIn(strata, a1.id(), a2.placement().schema()))
                .as("an RLS T2 reads nothing of a schema-mode sibling's schema").isEmpty();
        assertThat(strata.audit().findings()).filteredOn(f -> f.severity() == dev.strata.audit.AuditSeverity.VIOLATION).isEmpty();
    }

    @Test
    void a_t1_on_a_neon_plane_must_be_in_database_mode_and_its_t2s_share_its_database() {
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t1("np-rls").withPlane(PLANE).withMode(IsolationMode.RLS)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("Neon plane");
        strata.tenants().create(NewTenant.t1("np-home").withPlane(PLANE));
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t2("np-own-db", "np-home").withMode(IsolationMode.DATABASE)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.INVALID_ARGUMENT)
                .hasMessageContaining("'rls' or 'schema'");
    }

    @Test
    void moves_onto_or_off_a_neon_plane_it_cannot_take_are_refused_and_change_nothing() {
        // the moves a Neon plane takes are in dev.strata.move.NeonPlaneMoveTest
        Tenant here = strata.tenants().create(NewTenant.t1("np-stay").withMode(IsolationMode.RLS));
        Tenant there = strata.tenants().create(NewTenant.t1("np-there").withPlane(PLANE));
        assertThatThrownBy(() -> strata.tenants().move("np-stay",
                dev.strata.MoveRequest.to(IsolationMode.DATABASE).withPlane(PLANE)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining("onto Neon plane").hasMessageContaining("database mode");
        assertThatThrownBy(() -> strata.tenants().move("np-there", dev.strata.MoveRequest.to(IsolationMode.DATABASE)
                .withPlane("default")))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining("enable_logical_replication");
        assertThat(strata.tenants().get(here.id()).placement()).isEqualTo(here.placement());
        assertThat(strata.tenants().get(there.id()).placement()).isEqualTo(there.placement());
    }

    @Test
    void a_pooled_neon_plane_sends_tenant_traffic_through_the_endpoints_pooled_address() throws Exception {
        strata.planes().add(NewPlane.neon("neon-pool", NeonOptions.of(neon.apiUrl(), NeonPlanes.API_KEY).withPooled(true)));
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-pooled").withPlane("neon-pool"));
        Tenant kid = strata.tenants().create(NewTenant.t2("np-pooled-kid", "np-pooled"));
        Documents.insert(strata, t1.id(), "mine");
        Documents.insert(strata, kid.id(), "kid's");

        assertThat(strata.internals().pools().pooledEndpoint(
                new dev.strata.internal.pool.DatabaseKey("neon-pool", t1.placement().database()))).isTrue();
        assertThat(Documents.visible(strata, kid.id())).extracting(Documents.Doc::title).containsExactly("kid's");
        assertThat(Documents.visible(strata, t1.id())).extracting(Documents.Doc::title).containsExactlyInAnyOrder("mine", "kid's");
    }

    @Test
    void busy_projects_and_rate_limits_during_provisioning_are_waited_out() throws Exception {
        neon.faults().lockNext(2).throttleNext(2);
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-busy").withPlane(PLANE));
        assertThat(t1.status()).isEqualTo(TenantStatus.ACTIVE);
        Documents.insert(strata, t1.id(), "made it");
        assertThat(Documents.visible(strata, t1.id())).extracting(Documents.Doc::title).containsExactly("made it");
    }

    @Test
    void a_failed_neon_operation_is_a_clear_error_and_leaves_no_tenant_and_no_project() {
        UUID id = UUID.randomUUID();
        neon.faults().failNextOperations(1);
        assertThatThrownBy(() -> strata.tenants().create(NewTenant.t1("np-fail").withPlane(PLANE).withId(id)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.DATA_PLANE_FAILED)
                .hasMessageContaining("Neon createProject");
        assertThatThrownBy(() -> strata.tenants().get(id)).isInstanceOf(StrataException.class)
                .hasFieldOrPropertyWithValue("code", ErrorCode.TENANT_NOT_FOUND);
        String name = "strata-" + strata.config().namespace().replace('_', '-') + "-" + id;
        JsonNode projects = NeonPlanes.calls(neon).get("/projects").body().path("projects");
        for (JsonNode p : projects) {
            assertThat(p.path("name").asText()).isNotEqualTo(name);
        }
    }

    @Test
    void a_project_made_for_the_tenant_before_an_interruption_is_adopted_not_duplicated() {
        UUID id = UUID.randomUUID();
        String name = "strata-" + strata.config().namespace().replace('_', '-') + "-" + id;
        String database = strata.config().namespace() + "_t_" + id.toString().replace("-", "");
        var calls = NeonPlanes.calls(neon);
        var made = calls.post("/projects", "{\"project\":{\"name\":\"" + name + "\",\"branch\":{\"database_name\":\""
                + database + "\",\"role_name\":\"strata_owner\"}}}");
        calls.awaitOperations(made.body().path("project").path("id").asText(), made.body());

        Tenant t1 = strata.tenants().create(NewTenant.t1("np-adopt").withPlane(PLANE).withId(id));

        assertThat(FIXTURE.placementOf(t1).projectId()).isEqualTo(made.body().path("project").path("id").asText());
        long named = 0;
        for (JsonNode p : calls.get("/projects").body().path("projects")) {
            named += p.path("name").asText().equals(name) ? 1 : 0;
        }
        assertThat(named).isEqualTo(1);
    }

    @Test
    void decommissioning_a_t1_deletes_its_neon_project() {
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-gone").withPlane(PLANE));
        strata.tenants().create(NewTenant.t2("np-gone-kid", "np-gone"));
        String project = FIXTURE.placementOf(t1).projectId();

        strata.tenants().decommission("np-gone", true);

        assertThat(NeonPlanes.project(neon, project)).isNull();
        assertThat(strata.internals().neonPlacements().of(t1.id())).isEmpty();
    }

    @Test
    void a_connection_refused_while_the_compute_wakes_is_retried_and_counted() throws Exception {
        Tenant t1 = strata.tenants().create(NewTenant.t1("np-cold").withPlane(PLANE));
        double before = METERS.find(ColdStarts.COLD_STARTS).tag("plane", PLANE).counters().stream()
                .mapToDouble(c -> c.count()).sum();
        neon.faults().refuseNextConnections(3);

        Documents.insert(strata, t1.id(), "after a cold start");

        assertThat(METERS.find(ColdStarts.COLD_STARTS).tag("plane", PLANE).counter().count()).isEqualTo(before + 1);
        assertThat(METERS.find(ColdStarts.WAKE_TIME).tag("plane", PLANE).timer().count()).isPositive();
        NeonPlacementRecord r = strata.internals().neonPlane().recordOf(t1.id()).orElseThrow();
        assertThat(r.coldStarts()).isEqualTo(1);
        assertThat(r.lastWokenAt()).isNotNull();
        assertThat(r.lastWakeMillis()).isNotNull().isNotNegative();
    }
}
