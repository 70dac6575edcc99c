package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Documents;
import dev.strata.testing.StrataProcesses;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write freeze of a move's cutover, as every routing process sees it: a frozen tenant's new
 * transactions wait (bounded) and then fail with TENANT_MOVING, other tenants are untouched, every
 * live router acknowledges the freeze only once its transactions of that tenant have ended, and
 * the end of the freeze lets the held transactions run. The freeze is set here as a move sets it:
 * one management UPDATE of the placement (frozen_by, frozen_wait_ms, version + 1).
 */
class FreezeProtocolTest {
    @RegisterExtension
    final StrataProcesses processes = StrataProcesses.configured(b -> b.operationLease(Duration.ofSeconds(2)));

    @Test
    void a_frozen_tenant_waits_then_gets_tenant_moving_while_a_neighbour_is_untouched() throws Exception {
        Strata first = processes.start();
        Strata second = processes.start();
        Tenant moving = first.tenants().create(NewTenant.t1("moving").withMode(IsolationMode.RLS));
        Tenant neighbour = first.tenants().create(NewTenant.t1("neighbour").withMode(IsolationMode.RLS));
        Documents.insert(first, moving.id(), "before");
        Documents.insert(second, neighbour.id(), "before");

        UUID move = UUID.randomUUID();
        long version = freeze(first, moving.id(), move, 400);
        awaitAcknowledged(first, moving.id(), version, 2);

        for (Strata process : new Strata[] {first, second}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Documents.insert(process, moving.id(), "during"))
                    .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.TENANT_MOVING);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited for the freeze first")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(350));
            Documents.insert(process, neighbour.id(), "during");
        }
        assertThat(Documents.visible(first, neighbour.id())).hasSize(3);

        unfreeze(first, move);
        Documents.insert(second, moving.id(), "after");
        assertThat(Documents.visible(first, moving.id())).as("only acknowledged writes").hasSize(2);
    }

    @Test
    void a_held_transaction_runs_once_the_freeze_ends_within_its_wait() throws Exception {
        Strata first = processes.start();
        Strata second = processes.start();
        Tenant moving = first.tenants().create(NewTenant.t1("held").withMode(IsolationMode.RLS));
        UUID move = UUID.randomUUID();
        long version = freeze(first, moving.id(), move, 20_000);
        awaitAcknowledged(first, moving.id(), version, 2);

        CompletableFuture<Void> held = CompletableFuture.runAsync(() -> {
            try {
                Documents.insert(second, moving.id(), "held");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertThat(held).as("held while frozen").isNotDone();
        unfreeze(first, move);
        held.get(20, TimeUnit.SECONDS);
        assertThat(Documents.visible(first, moving.id())).hasSize(1);
    }

    @Test
    void a_router_acknowledges_only_after_its_transaction_of_the_tenant_ended() throws Exception {
        Strata first = processes.start();
        Strata second = processes.start();
        Tenant moving = first.tenants().create(NewTenant.t1("inflight").withMode(IsolationMode.RLS));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> inTransaction(second, moving.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, title) VALUES (?, 'in flight')")) {
                ps.setObject(1, moving.id());
                ps.executeUpdate();
            }
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        UUID move = UUID.randomUUID();
        long version = freeze(first, moving.id(), move, 5_000);
        awaitAcknowledged(first, moving.id(), version, 1);
        Thread.sleep(500);
        assertThat(acknowledgements(first, moving.id(), version)).as("the process with a transaction in flight waits")
                .isEqualTo(1);
        release.countDown();
        running.get(30, TimeUnit.SECONDS);
        awaitAcknowledged(first, moving.id(), version, 2);
        unfreeze(first, move);
    }

    @Test
    void every_process_that_routes_is_registered_with_a_live_lease_and_leaves_on_close() throws Exception {
        Strata first = processes.start();
        Strata second = processes.start();
        assertThat(liveRouters(first)).isEqualTo(2);
        second.close();
        assertThat(liveRouters(first)).isEqualTo(1);
    }

    private static void inTransaction(Strata strata, UUID tenant, dev.strata.TenantAction<SQLException> work) {
        try {
            strata.useTenant(tenant, work);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long freeze(Strata strata, UUID tenant, UUID move, int waitMillis) throws SQLException {
        try (Connection c = TestStrata.admin(strata.config().namespace());
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE platform.placements SET frozen_by = ?, frozen_wait_ms = ?, version = version + 1
                      WHERE tenant_id = ? RETURNING version""")) {
            ps.setObject(1, move);
            ps.setInt(2, waitMillis);
            ps.setObject(3, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void unfreeze(Strata strata, UUID move) throws SQLException {
        try (Connection c = TestStrata.admin(strata.config().namespace());
             PreparedStatement ps = c.prepareStatement("""
                     UPDATE platform.placements SET frozen_by = NULL, frozen_wait_ms = NULL, version = version + 1
                      WHERE frozen_by = ?""")) {
            ps.setObject(1, move);
            ps.executeUpdate();
        }
    }

    static void awaitAcknowledged(Strata strata, UUID tenant, long version, int routers) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledgements(strata, tenant, version) < routers) {
            assertThat(System.nanoTime()).as("%d routers acknowledged within 30 s", routers).isLessThan(until);
            Thread.sleep(20);
        }
    }

    static long acknowledgements(Strata strata, UUID tenant, long version) throws SQLException {
        try (Connection c = TestStrata.admin(strata.config().namespace());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM platform.route_acks WHERE tenant_id = ? AND version >= ?")) {
            ps.setObject(1, tenant);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static long liveRouters(Strata strata) throws SQLException {
        try (Connection c = TestStrata.admin(strata.config().namespace());
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM platform.routers WHERE lease_expires_at > now()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
