package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.Tier;
import dev.strata.internal.sql.Identifiers;
import dev.strata.testing.Documents;
import dev.strata.testing.Documents.Doc;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The isolation suite: on every layout of isolation modes (T1 mode × T2 mode, and mixed layouts),
 * no tenant reads, updates, deletes or inserts another tenant's rows, except that a T1 reads the
 * rows of its own T2s where they share its database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IsolationSuiteTest {
    private static final Set<String> UNREACHABLE = Set.of("42P01", "3F000", "42501");

    private Strata strata;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    static List<Layout> layouts() {
        return Layout.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_t2_reads_exactly_its_own_rows(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        for (Tenant t2 : t.t2s()) {
            List<Doc> visible = Documents.visible(strata, t2.id());
            assertThat(visible).as("rows visible to %s (%s)", t2.slug(), t2.mode().wireName())
                    .hasSize(Topology.DOCS_PER_TENANT)
                    .allSatisfy(d -> assertThat(d.tenantId()).isEqualTo(t2.id()))
                    .containsExactlyInAnyOrderElementsOf(Documents.stored(t2));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void t1_reads_its_own_rows_and_the_rows_of_its_t2s_that_share_its_database(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        for (Tenant t1 : List.of(t.alpha, t.beta)) {
            List<Doc> expected = new ArrayList<>(Documents.stored(t1));
            List<Doc> actual = new ArrayList<>(Documents.visible(strata, t1.id()));
            for (Tenant child : t.childrenOf(t1)) {
                if (!Topology.sameDatabase(t1, child)) {
                    continue;
                }
                expected.addAll(Documents.stored(child));
                if (!child.placement().schema().equals(t1.placement().schema())) {
                    actual.addAll(Documents.visibleIn(strata, t1.id(), child.placement().schema()));
                }
            }
            assertThat(actual).as("rows visible to T1 %s", t1.slug()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void no_tenant_reads_updates_deletes_or_inserts_rows_the_hierarchy_does_not_give_it(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant attacker : t.all()) {
            for (Tenant victim : t.all()) {
                if (attacker.id().equals(victim.id())) {
                    continue;
                }
                List<Doc> before = Documents.stored(victim);
                String schema = victim.placement().schema();
                String pair = attacker.slug() + " → " + victim.slug() + " (" + schema + ")";
                boolean readable = Topology.mayRead(attacker, victim) && Topology.sameDatabase(attacker, victim);

                int read = count(attacker, "SELECT count(*) FROM " + table(schema) + " WHERE tenant_id = ?", victim.id());
                softly.assertThat(read).as("read " + pair).isEqualTo(readable ? before.size() : 0);

                assertThat(before).as("rows of %s before the attack %s", victim.slug(), pair).isNotEmpty();
                UUID oneId = before.get(0).id();
                int byId = count(attacker, "SELECT count(*) FROM " + table(schema) + " WHERE tenant_id = ? AND id = '"
                        + oneId + "'", victim.id());
                softly.assertThat(byId).as("read by id " + pair).isEqualTo(readable ? 1 : 0);

                int updated = update(attacker, "UPDATE " + table(schema) + " SET title = 'pwned' WHERE tenant_id = ?", victim.id());
                softly.assertThat(updated).as("update " + pair).isZero();
                int deleted = update(attacker, "DELETE FROM " + table(schema) + " WHERE tenant_id = ?", victim.id());
                softly.assertThat(deleted).as("delete " + pair).isZero();

                String insertState = insertAs(attacker, schema, victim.id());
                softly.assertThat(insertState).as("insert " + pair).isIn(UNREACHABLE);

                softly.assertThat(Documents.stored(victim)).as("victim rows after attacks " + pair)
                        .containsExactlyInAnyOrderElementsOf(before);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_stored_row_belongs_to_the_tenant_that_wrote_it(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        for (Tenant tenant : t.all()) {
            assertThat(Documents.stored(tenant)).extracting(Doc::title)
                    .hasSize(Topology.DOCS_PER_TENANT)
                    .allSatisfy(title -> assertThat(title).startsWith(tenant.slug() + " doc "));
        }
        Set<String> places = t.all().stream().map(x -> x.placement().database() + "/" + x.placement().schema())
                .collect(Collectors.toSet());
        for (String place : places) {
            String[] p = place.split("/");
            for (Doc doc : Documents.allStored(p[0], p[1])) {
                Tenant owner = t.all().stream().filter(x -> x.id().equals(doc.tenantId())).findFirst().orElse(null);
                if (owner != null) {
                    assertThat(doc.title()).as("row in " + place).startsWith(owner.slug() + " doc ");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void placements_follow_the_chosen_modes(Layout layout) {
        Topology t = Topology.of(strata, layout);
        for (Tenant tenant : t.all()) {
            Tenant fresh = strata.tenants().get(tenant.id());
            assertThat(fresh.status().wireName()).isEqualTo("active");
            switch (fresh.mode()) {
                case DATABASE -> assertThat(fresh.placement().database())
                        .isEqualTo(strata.config().namespace() + "_t_" + tenant.id().toString().replace("-", ""));
                case SCHEMA -> assertThat(fresh.placement().schema()).isEqualTo("t_" + tenant.id().toString().replace("-", ""));
                case RLS -> {
                    if (fresh.tier() == Tier.T2) {
                        Tenant parent = strata.tenants().get(fresh.parentId());
                        assertThat(fresh.placement().database()).isEqualTo(parent.placement().database());
                        assertThat(fresh.placement().schema()).isEqualTo(parent.placement().schema());
                    } else {
                        assertThat(fresh.placement().database()).isEqualTo(strata.config().namespace() + "_shared_rls");
                    }
                }
            }
            if (fresh.tier() == Tier.T2 && fresh.mode() != IsolationMode.DATABASE) {
                Tenant parent = strata.tenants().get(fresh.parentId());
                assertThat(fresh.placement().database()).as("a T2 not in database mode lives in its T1's database")
                        .isEqualTo(parent.placement().database());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void the_audit_finds_no_violation_with_every_layout_in_place() {
        layouts().forEach(layout -> Topology.of(strata, layout));
        var report = strata.audit();
        assertThat(report.findings()).filteredOn(f -> f.severity() == dev.strata.audit.AuditSeverity.VIOLATION).isEmpty();
        assertThat(report.passed()).isTrue();
    }

    private static String table(String schema) {
        return Identifiers.qualified(schema, "documents");
    }

    /** A count read in the attacker's transaction; 0 when the relation is not even reachable there. */
    private int count(Tenant attacker, String sql, UUID victim) throws SQLException {
        return run(attacker, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                ps.setObject(1, victim);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    private int update(Tenant attacker, String sql, UUID victim) throws SQLException {
        return run(attacker, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                ps.setObject(1, victim);
                return ps.executeUpdate();
            }
        });
    }

    /** Tries to insert a row for the victim; returns the SQLSTATE of the refusal, or "inserted". */
    private String insertAs(Tenant attacker, String schema, UUID victim) throws SQLException {
        try {
            strata.useTenant(attacker.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO " + table(schema) + " (tenant_id, title) VALUES (?, 'forged')")) {
                    ps.setObject(1, victim);
                    ps.executeUpdate();
                }
            });
            return "inserted";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @FunctionalInterface
    private interface IntWork {
        int run(TenantScope scope) throws SQLException;
    }

    private int run(Tenant attacker, IntWork work) throws SQLException {
        try {
            return strata.inTenant(attacker.id(), work::run);
        } catch (SQLException e) {
            if (UNREACHABLE.contains(e.getSQLState()) && !"42501".equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }
}
