package dev.strata.neon;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.NeonPlaneExtension;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.PlacementGuardProbes;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The placement guard of schema-mode T2s inside a T1 on a Neon plane (project placement, against
 * neon-local) is checked at start-up as on a local plane, at the T1's own compute: a guard dropped
 * there, or a table added to a T2's schema without one, is a violation of the audit until the next
 * start puts it right; then a sibling's writes into the schema are refused and the audit is clean.
 * A Neon T1 whose compute is gone is skipped (with a warning) and does not keep Strata from starting
 * nor the other Neon T1s from being guarded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeonPlacementGuardAtStartTest {
    @RegisterExtension
    static final NeonPlaneExtension NEON = NeonPlaneExtension.projectPlane("neon-guard");

    @Test
    @Order(1)
    void a_placement_guard_dropped_in_a_neon_t1_is_put_back_at_the_next_start() throws Exception {
        NeonT1 t = NeonT1.create(NEON.strata(), "ng-drop");
        String table = t.vault().placement().schema() + ".documents";
        assertThat(guard(t.vault(), table)).as("guarded when the T2 was created").contains(t.vault().id().toString());

        NEON.asOwner(t.vault(), "DROP POLICY strata_placement_guard ON " + table);

        theHoleIsClosedAtTheNextStart(t, table);
    }

    @Test
    @Order(2)
    void a_table_added_to_a_t2s_schema_in_a_neon_t1_is_guarded_at_the_next_start() throws Exception {
        NeonT1 t = NeonT1.create(NEON.strata(), "ng-add");
        String table = t.vault().placement().schema() + ".notes";
        String appRole = NEON.strata().internals().names().appRole(t.t1().placement().database());

        NEON.asOwner(t.vault(), PlacementGuardProbes.unguardedTenantTable(table, appRole));

        assertThat(guard(t.vault(), table)).as("a table the guard has not seen").isNull();
        theHoleIsClosedAtTheNextStart(t, table);
    }

    @Test
    @Order(3) // last: the audit cannot run while a Neon T1's compute cannot be reached
    void a_neon_t1_whose_compute_is_gone_does_not_stop_the_start_and_the_other_neon_t1s_are_guarded() throws Exception {
        Tenant gone = NeonT1.create(NEON.strata(), "ng-gone").t1();
        NeonT1 kept = NeonT1.create(NEON.strata(), "ng-kept");
        String table = kept.vault().placement().schema() + ".documents";
        NEON.asOwner(kept.vault(), "DROP POLICY strata_placement_guard ON " + table);

        String project = NEON.placementOf(gone).projectId();
        assertThat(NEON.calls().delete("/projects/" + project).status()).as("deleted behind Strata's back").isEqualTo(200);
        assertThat(NeonPlanes.project(NEON.neon(), project)).isNull();

        assertThat(insertOwnRow(NEON.strata(), kept.neighbour(), table)).as("the hole the guard closes").isNull();

        Strata strata = NEON.restart();

        assertThat(guard(kept.vault(), table)).contains(kept.vault().id().toString())
                .doesNotContain(kept.neighbour().id().toString());
        assertThat(insertOwnRow(strata, kept.neighbour(), table)).isEqualTo("42501");
        assertThat(insertOwnRow(strata, kept.vault(), table)).as("the owner still writes").isNull();
    }

    // ---------------------------------------------------------------- helpers

    /**
     * That the neighbour can write into the vault's {@code table} and the audit says so, until a
     * restart guards it: then the neighbour is refused, the vault still writes, the audit is clean.
     */
    private static void theHoleIsClosedAtTheNextStart(NeonT1 t, String table) throws SQLException {
        Strata strata = NEON.strata();
        assertThat(insertOwnRow(strata, t.neighbour(), table)).as("the hole the guard closes").isNull();
        assertThat(violations(strata, t.t1())).containsExactly("placement_guard " + table);

        strata = NEON.restart();

        assertThat(guard(t.vault(), table)).contains(t.vault().id().toString()).doesNotContain(t.neighbour().id().toString());
        assertThat(insertOwnRow(strata, t.neighbour(), table)).isEqualTo("42501");
        assertThat(insertOwnRow(strata, t.vault(), table)).as("the owner still writes").isNull();
        assertThat(violations(strata, t.t1())).isEmpty();
    }

    /** A T1 on the Neon plane with two schema-mode T2s, each the other's neighbour in its database. */
    private record NeonT1(Tenant t1, Tenant vault, Tenant neighbour) {
        static NeonT1 create(Strata strata, String slug) {
            Tenant t1 = strata.tenants().create(NewTenant.t1(slug).withPlane(NEON.plane()));
            return new NeonT1(t1,
                    strata.tenants().create(NewTenant.t2(slug + "-vault", slug).withMode(IsolationMode.SCHEMA)),
                    strata.tenants().create(NewTenant.t2(slug + "-nb", slug).withMode(IsolationMode.SCHEMA)));
        }
    }

    private static String insertOwnRow(Strata strata, Tenant tenant, String table) {
        return PlacementGuardProbes.insertOwnRow(strata, tenant, table);
    }

    /** "check object" of every violation the audit reports in the T1's Neon database. */
    private static List<String> violations(Strata strata, Tenant t1) {
        return PlacementGuardProbes.violations(strata, t1.placement().database()::equals);
    }

    /** The placement guard's USING expression on a table, read at the Neon T1's compute, or null without one. */
    private static String guard(Tenant tenant, String table) throws SQLException {
        try (Connection c = NEON.ownerConnection(tenant)) {
            return PlacementGuardProbes.using(c, table);
        }
    }
}
