package dev.strata.restore;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.RestoreRequest;
import dev.strata.RestoreResult;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.internal.neon.NeonBranch;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.neonlocal.testing.NeonLocalExtension;
import dev.strata.testing.NeonT1s;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static dev.strata.testing.NeonT1s.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Point-in-time restore of T1s on Neon (the stand-in) through {@code strata tenants restore --to}:
 * Neon's branch restore of the production branch, its previous state kept as a branch, journalled;
 * the T1's and its T2s' routes and pools dropped afterwards; refused plainly, changing nothing,
 * where Neon cannot restore.
 */
@ExtendWith(NeonLocalExtension.class)
class NeonPointInTimeRestoreTest {
    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension.standard();
    private static NeonT1s neon;
    private final Strata strata = FIXTURE.strata();

    @BeforeAll
    static void placeT1sOnNeon(NeonLocal local) {
        neon = new NeonT1s(local).install(FIXTURE.strata());
    }

    private Tenant t1(String prefix) {
        return strata.tenants().create(NewTenant.t1(prefix + "-" + UUID.randomUUID().toString().substring(0, 6)));
    }

    private static void seed(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id serial PRIMARY KEY, label text NOT NULL)");
            s.execute("INSERT INTO items (label) VALUES ('one'), ('two')");
        }
    }

    private OperationInfo awaitEnd(UUID operation) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            OperationInfo info = strata.operations().show(operation);
            if (info.state() != OperationState.RUNNING) {
                return info;
            }
            assertThat(System.nanoTime()).as("the restore ended within two minutes").isLessThan(until);
            Thread.sleep(100);
        }
    }

    @Test
    void a_restore_to_a_moment_brings_back_the_rows_of_then_keeps_the_state_before_and_drops_routes_and_pools()
            throws Exception {
        Tenant t1 = t1("restored");
        Tenant t2 = strata.tenants().create(NewTenant.t2("t2-" + t1.slug(), t1.slug()));
        NeonPlacement production = neon.onProject(t1);
        try (Connection c = neon.production(t1)) {
            seed(c);
        }
        neon.takeHistoryPoint(t1);
        Instant good = Instant.now();
        Thread.sleep(1100);
        try (Connection c = neon.production(t1); Statement s = c.createStatement()) {
            s.execute("DELETE FROM items");
            s.execute("INSERT INTO items (label) VALUES ('a mistake')");
        }
        strata.useTenant(t1.id(), scope -> { });
        strata.useTenant(t2.id(), scope -> { });
        var routeOfT1 = strata.internals().router().route(t1.id()).database();
        assertThat(strata.internals().router().isCached(t1.id())).isTrue();
        assertThat(strata.internals().pools().openDatabases()).contains(routeOfT1);

        RestoreResult result = strata.tenants().restore(t1.slug(), new RestoreRequest(null, good, "before-fix"));

        assertThat(result.pointInTime()).isTrue();
        OperationInfo done = awaitEnd(result.operation());
        assertThat(done.state()).as(String.valueOf(done.error())).isEqualTo(OperationState.SUCCEEDED);
        assertThat(done.kind()).isEqualTo(OperationKind.POINT_IN_TIME_RESTORE);
        assertThat(done.steps()).extracting(OperationInfo.Step::name)
                .containsExactly("restore_branch:before-fix", "drop_connections");
        try (Connection c = neon.production(t1)) {
            assertThat(count(c, "items")).as("the rows of then").isEqualTo(2);
        }
        assertThat(neon.api().listBranches(production.projectId())).extracting(NeonBranch::name).contains("before-fix");
        assertThat(neon.api().listBranches(production.projectId())).filteredOn(b -> b.id().equals(production.branchId()))
                .singleElement().satisfies(b -> assertThat(b.isRoot()).as("production is still the root branch").isTrue());
        assertThat(strata.internals().router().isCached(t1.id())).as("the T1's route was dropped").isFalse();
        assertThat(strata.internals().router().isCached(t2.id())).as("its T2's route was dropped").isFalse();
        assertThat(strata.internals().pools().openDatabases()).as("pooled connections were dropped").doesNotContain(routeOfT1);
        assertThat(strata.tenants().history(t1.slug())).extracting(TenantEvent::action).contains("restored_to_time");

        RestoreResult again = strata.tenants().restore(t1.slug(), new RestoreRequest(null, good, null));
        OperationInfo second = awaitEnd(again.operation());
        assertThat(second.state()).as(String.valueOf(second.error())).isEqualTo(OperationState.SUCCEEDED);
        String generated = second.steps().get(0).name().substring("restore_branch:".length());
        assertThat(generated).startsWith(t1.slug() + "-before-");
        assertThat(neon.api().listBranches(production.projectId())).extracting(NeonBranch::name).contains(generated);
    }

    @Test
    void a_t1_on_a_child_branch_is_told_why_it_cannot_be_restored_and_what_to_do_instead() {
        Tenant t1 = t1("child");
        NeonPlacement placement = neon.onChildBranch(t1);
        int branches = neon.api().countBranches(placement.projectId());

        assertThatThrownBy(() -> strata.tenants().restore(t1.slug(), new RestoreRequest(null, Instant.now().minusSeconds(5), null)))
                .isInstanceOf(StrataException.class)
                .hasMessageContaining("Neon restores only root branches")
                .hasMessageContaining("strata tenants branch create " + t1.slug())
                .hasMessageContaining("--from-timestamp")
                .extracting("code").isEqualTo(ErrorCode.PLANE_CANNOT);

        assertThat(neon.api().countBranches(placement.projectId())).as("nothing changed").isEqualTo(branches);
        assertThat(strata.operations().list(OperationFilter.all().withTenant(t1.slug())
                .withKind(OperationKind.POINT_IN_TIME_RESTORE))).isEmpty();
    }

    @Test
    void a_moment_in_the_future_or_before_the_history_and_a_taken_name_are_refused_and_change_nothing() throws Exception {
        Tenant t1 = t1("refused");
        NeonPlacement placement = neon.onProject(t1);
        try (Connection c = neon.production(t1)) {
            seed(c);
        }
        assertThatThrownBy(() -> strata.tenants().restore(t1.slug(), new RestoreRequest(null, Instant.now().plusSeconds(600), null)))
                .isInstanceOf(StrataException.class).hasMessageContaining("in the future")
                .extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> strata.tenants().restore(t1.slug(), new RestoreRequest(null,
                Instant.now().minus(Duration.ofDays(3)), null)))
                .isInstanceOf(StrataException.class).hasMessageContaining("before the history")
                .extracting("code").isEqualTo(ErrorCode.INVALID_ARGUMENT);
        String taken = neon.api().listBranches(placement.projectId()).get(0).name();
        assertThatThrownBy(() -> strata.tenants().restore(t1.slug(), new RestoreRequest(null, Instant.now().minusSeconds(1), taken)))
                .isInstanceOf(StrataException.class).hasMessageContaining("already has a branch named '" + taken + "'")
                .extracting("code").isEqualTo(ErrorCode.BRANCH_EXISTS);

        assertThat(strata.operations().list(OperationFilter.all().withTenant(t1.slug())
                .withKind(OperationKind.POINT_IN_TIME_RESTORE))).isEmpty();
        try (Connection c = neon.production(t1)) {
            assertThat(count(c, "items")).isEqualTo(2);
        }
    }
}
