package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Two creations of the same slug at the same moment: exactly one tenant, the other refused with DUPLICATE_SLUG. */
class CreateVersusCreateTest {
    private static final int ROUNDS = 15;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("left").withMode(IsolationMode.RLS));
        strata.tenants().create(NewTenant.t1("right"));
    });

    private final Strata strata = FIXTURE.strata();

    @Test
    void two_t1s_with_one_slug_make_one_tenant() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            String slug = "solo-" + round;
            assertOneWins(slug, Race.run(
                    () -> strata.tenants().create(NewTenant.t1(slug).withMode(IsolationMode.RLS)),
                    () -> strata.tenants().create(NewTenant.t1(slug).withMode(IsolationMode.RLS))));
        }
    }

    @Test
    void two_t2s_with_one_slug_under_the_same_or_different_parents_make_one_tenant() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            String slug = "kid-" + round;
            String otherParent = round % 2 == 0 ? "left" : "right";
            assertOneWins(slug, Race.run(
                    () -> strata.tenants().create(NewTenant.t2(slug, "left")),
                    () -> strata.tenants().create(NewTenant.t2(slug, otherParent))));
        }
    }

    @Test
    void a_t1_and_a_t2_with_one_slug_make_one_tenant() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            String slug = "mixed-" + round;
            assertOneWins(slug, Race.run(
                    () -> strata.tenants().create(NewTenant.t1(slug).withMode(IsolationMode.RLS)),
                    () -> strata.tenants().create(NewTenant.t2(slug, "right"))));
        }
    }

    private void assertOneWins(String slug, List<Race.Outcome> outcomes) throws SQLException {
        outcomes.forEach(o -> o.doneOrRefusedWith(ErrorCode.DUPLICATE_SLUG));
        assertThat(Race.successes(outcomes)).as("exactly one creation of '%s' succeeded", slug).isEqualTo(1);
        assertThat(strata.tenants().list()).filteredOn(t -> t.slug().equals(slug)).hasSize(1);
        Tenant winner = strata.tenants().get(slug);
        Documents.insert(strata, winner.id(), slug);
        assertThat(Documents.visible(strata, winner.id())).extracting(Documents.Doc::title).containsExactly(slug);
        Consistency.assertConsistent(strata, slug);
    }
}
