package dev.strata.lifecycle;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.operation.DecommissionStep;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Decommissioning a tenant while one of its transactions is in flight, in every mode: new
 * transactions are refused at once; one that ends within the drain timeout is waited for (and
 * its rows removed after it); one that holds the removal up past it has its session ended. The
 * decommission finishes either way, and nothing of the tenant is left.
 */
class DecommissionVersusInFlightTransactionTest {
    private static final int ROUNDS = 3;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofSeconds(2)))
            .withSetUp(strata -> strata.tenants().create(NewTenant.t1("home")));

    private final Strata strata = FIXTURE.strata();

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void an_inserting_transaction_that_never_ends_is_ended_and_the_decommission_finishes(IsolationMode mode) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Tenant t2 = strata.tenants().create(NewTenant.t2("stuck-" + mode.wireName() + "-" + round, "home").withMode(mode));
            Documents.insert(strata, t2.id(), "committed");
            assertStuckTransactionIsEnded(t2, "INSERT INTO documents (tenant_id, title) VALUES (?, 'in flight')");
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void an_updating_transaction_that_never_ends_is_ended_and_the_decommission_finishes(IsolationMode mode) throws Exception {
        Tenant t2 = strata.tenants().create(NewTenant.t2("locker-" + mode.wireName(), "home").withMode(mode));
        Documents.insert(strata, t2.id(), "committed");
        assertStuckTransactionIsEnded(t2, "UPDATE documents SET title = 'locked' WHERE tenant_id = ?");
    }

    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void a_transaction_that_commits_while_the_decommission_drains_is_waited_for_and_its_rows_removed(IsolationMode mode)
            throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            Tenant t2 = strata.tenants().create(NewTenant.t2("drained-" + mode.wireName() + "-" + round, "home").withMode(mode));
            CountDownLatch inFlight = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            strata.internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
                if (step == DecommissionStep.DRAIN) {
                    release.countDown();
                }
            });
            CompletableFuture<UUID> transaction = CompletableFuture.supplyAsync(() -> inTransaction(t2,
                    "INSERT INTO documents (tenant_id, title) VALUES (?, 'in flight')", inFlight, release));
            assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(strata.tenants().decommission(t2.slug(), false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
            assertThat(transaction.get(30, TimeUnit.SECONDS)).as("the in-flight transaction committed").isNotNull();
            assertNothingLeft(t2);
        }
    }

    private void assertStuckTransactionIsEnded(Tenant t2, String statement) throws Exception {
        CountDownLatch inFlight = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<UUID> transaction = CompletableFuture.supplyAsync(() -> inTransaction(t2, statement, inFlight, release));
        try {
            assertThat(inFlight.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(strata.tenants().decommission(t2.slug(), false).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        } finally {
            release.countDown();
        }
        assertThat(transaction).as("the stuck transaction was ended").failsWithin(30, TimeUnit.SECONDS);
        assertNothingLeft(t2);
    }

    /** Runs the statement in a tenant transaction, then holds the transaction open until released; then writes again. */
    private UUID inTransaction(Tenant t2, String statement, CountDownLatch inFlight, CountDownLatch release) {
        try {
            return strata.inTenant(t2.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(statement)) {
                    ps.setObject(1, scope.tenantId());
                    ps.executeUpdate();
                }
                inFlight.countDown();
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO documents (tenant_id, title) VALUES (?, 'after') RETURNING id")) {
                    ps.setObject(1, scope.tenantId());
                    try (var rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getObject(1, UUID.class);
                    }
                }
            });
        } catch (Exception e) {
            throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
        }
    }

    private void assertNothingLeft(Tenant t2) throws SQLException {
        assertThat(strata.tenants().get(t2.id()).status()).isEqualTo(TenantStatus.DECOMMISSIONED);
        if (t2.mode() == IsolationMode.RLS) {
            assertThat(Documents.stored(t2)).as("rows of the decommissioned tenant").isEmpty();
        }
        Consistency.assertConsistent(strata, t2.slug());
        assertThat(Documents.visible(strata, strata.tenants().get("home").id())).as("the T1 still works").isEmpty();
    }
}
