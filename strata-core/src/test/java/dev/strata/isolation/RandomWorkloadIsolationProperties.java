package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.testing.Documents;
import dev.strata.testing.Documents.Doc;
import dev.strata.testing.TestStrata;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: whatever mix of writes tenants attempt — on their own rows or aimed at any other
 * tenant's — every tenant's stored rows are exactly the ones it wrote itself, and every T2 reads
 * exactly those.
 */
class RandomWorkloadIsolationProperties {
    private static Strata strata;
    private static List<Tenant> tenants;

    enum Kind { INSERT_OWN, UPDATE_OWN, DELETE_OWN, INSERT_FOR_OTHER, UPDATE_OTHER, DELETE_OTHER }

    record Op(int actor, Kind kind, int target, String title) {
    }

    @BeforeContainer
    static void start() {
        strata = TestStrata.start();
        strata.tenants().create(NewTenant.t1("alpha"));
        strata.tenants().create(NewTenant.t1("beta").withMode(IsolationMode.RLS));
        tenants = List.of(
                strata.tenants().get("alpha"),
                strata.tenants().create(NewTenant.t2("a-rls", "alpha")),
                strata.tenants().create(NewTenant.t2("a-schema", "alpha").withMode(IsolationMode.SCHEMA)),
                strata.tenants().create(NewTenant.t2("a-db", "alpha").withMode(IsolationMode.DATABASE)),
                strata.tenants().get("beta"),
                strata.tenants().create(NewTenant.t2("b-rls", "beta")),
                strata.tenants().create(NewTenant.t2("b-schema", "beta").withMode(IsolationMode.SCHEMA)));
    }

    @AfterContainer
    static void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Provide
    Arbitrary<List<Op>> workloads() {
        Arbitrary<Integer> tenant = Arbitraries.integers().between(0, 6);
        Arbitrary<Op> op = Combinators.combine(tenant, Arbitraries.of(Kind.class), tenant,
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8)).as(Op::new);
        return op.list().ofMinSize(1).ofMaxSize(25);
    }

    @Property(tries = 40)
    void random_workloads_never_cross_tenants(@ForAll("workloads") List<Op> workload) throws SQLException {
        Map<UUID, List<Doc>> expected = new HashMap<>();
        for (Tenant t : tenants) {
            expected.put(t.id(), new ArrayList<>(Documents.stored(t)));
        }
        for (Op op : workload) {
            Tenant actor = tenants.get(op.actor());
            Tenant target = tenants.get(op.target());
            switch (op.kind()) {
                case INSERT_OWN -> {
                    UUID id = Documents.insert(strata, actor.id(), op.title());
                    expected.get(actor.id()).add(new Doc(actor.id(), id, op.title()));
                }
                case UPDATE_OWN -> {
                    int n = write(actor, "UPDATE documents SET title = ? WHERE tenant_id = ?", op.title(), actor.id());
                    List<Doc> own = expected.get(actor.id());
                    assertThat(n).isEqualTo(own.size());
                    own.replaceAll(d -> new Doc(d.tenantId(), d.id(), op.title()));
                }
                case DELETE_OWN -> {
                    int n = write(actor, "DELETE FROM documents WHERE tenant_id = ? AND ? IS NOT NULL", actor.id(), op.title());
                    assertThat(n).isEqualTo(expected.get(actor.id()).size());
                    expected.get(actor.id()).clear();
                }
                case INSERT_FOR_OTHER -> {
                    if (!actor.id().equals(target.id())) {
                        assertThat(tryWrite(actor, "INSERT INTO documents (title, tenant_id) VALUES (?, ?)", op.title(), target.id()))
                                .as("%s inserting for %s", actor.slug(), target.slug()).isFalse();
                    }
                }
                case UPDATE_OTHER -> {
                    if (!actor.id().equals(target.id())) {
                        assertThat(write(actor, "UPDATE documents SET title = ? WHERE tenant_id = ?", op.title(), target.id()))
                                .isZero();
                    }
                }
                case DELETE_OTHER -> {
                    if (!actor.id().equals(target.id())) {
                        assertThat(write(actor, "DELETE FROM documents WHERE tenant_id = ? AND ? IS NOT NULL", target.id(), op.title()))
                                .isZero();
                    }
                }
            }
        }
        for (Tenant t : tenants) {
            assertThat(Documents.stored(t)).as("stored rows of %s", t.slug())
                    .containsExactlyInAnyOrderElementsOf(expected.get(t.id()));
            if (t.tier() == Tier.T2) {
                assertThat(Documents.visible(strata, t.id())).as("rows visible to %s", t.slug())
                        .containsExactlyInAnyOrderElementsOf(expected.get(t.id()));
            }
        }
    }

    private int write(Tenant actor, String sql, Object first, Object second) throws SQLException {
        return strata.inTenant(actor.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                ps.setObject(1, first);
                ps.setObject(2, second);
                return ps.executeUpdate();
            }
        });
    }

    private boolean tryWrite(Tenant actor, String sql, Object first, Object second) {
        try {
            write(actor, sql, first, second);
            return true;
        } catch (SQLException e) {
            assertThat(e.getSQLState()).as("refused by row level security").isEqualTo("42501");
            return false;
        }
    }
}
