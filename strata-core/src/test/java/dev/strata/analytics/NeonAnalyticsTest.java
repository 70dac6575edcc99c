package dev.strata.analytics;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.NeonPlaneExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * T0 analytics reach T1s on a Neon plane (project placement, against neon-local): the T0 reader
 * logs in to each Neon T1's database with its own password, and the rows of the Neon T1 and its T2s
 * come back tagged with their tenant next to a local T1's; a write through the query is refused
 * there too and changes nothing.
 */
class NeonAnalyticsTest {
    static final String PLANE = "neon-t0";

    @RegisterExtension
    static final NeonPlaneExtension NEON = NeonPlaneExtension.projectPlane(PLANE);

    private final Strata strata = NEON.strata();

    @Test
    void rows_of_a_neon_t1_and_its_t2s_come_back_tagged_with_their_tenant_next_to_a_local_t1s() throws Exception {
        Tenant neon = strata.tenants().create(NewTenant.t1("na-neon").withPlane(PLANE));
        Tenant rls = strata.tenants().create(NewTenant.t2("na-rls", "na-neon").withMode(IsolationMode.RLS));
        Tenant schema = strata.tenants().create(NewTenant.t2("na-schema", "na-neon").withMode(IsolationMode.SCHEMA));
        Tenant local = strata.tenants().create(NewTenant.t1("na-local"));
        List<Tenant> all = List.of(neon, rls, schema, local);
        for (Tenant t : all) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
        }

        List<AnalyticsRow> rows = new ArrayList<>();
        AnalyticsResult result = strata.analytics().queryAllTenants("SELECT tenant_id, title FROM documents", rows::add);

        assertThat(result.failures()).isEmpty();
        for (Tenant t : all) {
            assertThat(rows).as("rows of %s", t.slug()).filteredOn(r -> t.id().equals(r.tenantId()))
                    .singleElement().satisfies(r -> {
                        assertThat(r.value("title")).isEqualTo("doc of " + t.slug());
                        assertThat(r.tenantSlug()).isEqualTo(t.slug());
                        assertThat(r.target()).isEqualTo(t.placement().dataPlane() + "/" + t.placement().database()
                                + "/" + t.placement().schema());
                    });
        }
        assertThat(neon.placement().dataPlane()).isEqualTo(PLANE);
        assertThat(local.placement().dataPlane()).isEqualTo("default");
    }

    @Test
    void a_write_through_the_query_is_refused_in_a_neon_t1_and_changes_nothing() throws Exception {
        Tenant neon = strata.tenants().create(NewTenant.t1("na-write").withPlane(PLANE));
        Documents.insert(strata, neon.id(), "kept");

        assertThatThrownBy(() -> strata.analytics().queryAllTenants(
                "WITH gone AS (DELETE FROM documents RETURNING *) SELECT count(*) FROM gone", row -> { }))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("every tenant database refused this query").hasMessageContaining("read-only");
        List<AnalyticsRow> rows = new ArrayList<>();
        strata.analytics().queryAllTenants("SELECT tenant_id, title FROM documents", rows::add);
        assertThat(rows).filteredOn(r -> neon.id().equals(r.tenantId())).extracting(r -> r.value("title"))
                .containsExactly("kept");
    }

    @Test
    void the_query_runs_in_a_neon_t1_as_the_t0_reader_no_superuser_and_unable_to_bypass_rls() throws Exception {
        Tenant neon = strata.tenants().create(NewTenant.t1("na-who").withPlane(PLANE));
        String target = PLANE + "/" + neon.placement().database() + "/" + neon.placement().schema();

        List<AnalyticsRow> rows = new ArrayList<>();
        strata.analytics().queryAllTenants("SELECT current_user::text AS who, r.rolsuper, r.rolbypassrls, "
                + "pg_has_role(current_user, 'neon_superuser', 'MEMBER') AS neon_superuser "
                + "FROM pg_roles r WHERE r.rolname = current_user", rows::add);

        assertThat(rows).filteredOn(r -> r.target().equals(target)).singleElement().satisfies(r -> {
            assertThat(r.value("who")).isEqualTo(strata.config().namespace() + "_t0_reader");
            assertThat(r.value("rolsuper")).isEqualTo(false);
            assertThat(r.value("rolbypassrls")).isEqualTo(false);
            assertThat(r.value("neon_superuser")).isEqualTo(false);
            assertThat(r.tenantId()).isEqualTo(neon.id());
        });
    }

    @Test
    void a_neon_t1_whose_reader_cannot_log_in_yet_gets_its_login_at_the_first_query() throws Exception {
        Tenant neon = strata.tenants().create(NewTenant.t1("na-old").withPlane(PLANE));
        Documents.insert(strata, neon.id(), "from before");
        // a second T1 on the plane: both targets find the shared reader refused and repair it at once
        Tenant other = strata.tenants().create(NewTenant.t1("na-old-2").withPlane(PLANE));
        Documents.insert(strata, other.id(), "also from before");
        try (Connection c = NEON.ownerConnection(neon); Statement s = c.createStatement()) {
            s.execute("SET ROLE neon_superuser");
            s.execute("ALTER ROLE " + strata.config().namespace() + "_t0_reader NOLOGIN PASSWORD NULL");
            try (var rs = s.executeQuery("SELECT rolcanlogin FROM pg_roles WHERE rolname = '"
                    + strata.config().namespace() + "_t0_reader'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getBoolean(1)).as("the reader as an earlier version left it").isFalse();
            }
        }

        List<AnalyticsRow> rows = new ArrayList<>();
        AnalyticsResult result = strata.analytics().queryAllTenants("SELECT tenant_id, title FROM documents", rows::add);

        assertThat(result.failures()).isEmpty();
        assertThat(rows).filteredOn(r -> neon.id().equals(r.tenantId())).extracting(r -> r.value("title"))
                .containsExactly("from before");
        assertThat(rows).filteredOn(r -> other.id().equals(r.tenantId())).extracting(r -> r.value("title"))
                .containsExactly("also from before");
    }
}
