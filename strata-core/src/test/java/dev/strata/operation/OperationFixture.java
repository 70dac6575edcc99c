package dev.strata.operation;

import dev.strata.ErrorCode;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.internal.operation.OperationStep;
import dev.strata.internal.operation.StepHook;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.ThrowableAssert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the operations tests share: crashes and pauses at a step, waiting for a lease to expire, ground truth. */
final class OperationFixture {
    private OperationFixture() {
    }

    /** Stands for the process dying in the middle of a step: not an exception the lifecycle code handles. */
    static final class Crash extends Error {
        Crash(OperationStep step) {
            super("simulated crash at step " + step.wireName());
        }
    }

    /** Dies (throws {@link Crash}) when an operation of the kind reaches the step, once. */
    static StepHook crashAt(OperationKind kind, OperationStep step) {
        boolean[] fired = {false};
        return (operation, k, current, qualifier) -> {
            if (k == kind && current == step && !fired[0]) {
                fired[0] = true;
                throw new Crash(step);
            }
        };
    }

    /** Stops at the step (once) until {@code wake} opens; {@code paused} opens when it got there. */
    static StepHook pauseAt(OperationStep step, CountDownLatch paused, CountDownLatch wake) {
        return (operation, kind, current, qualifier) -> {
            if (current == step && paused.getCount() > 0) {
                paused.countDown();
                try {
                    wake.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    /** The only operation of the tenant that is running. */
    static UUID runningOperationOf(Strata strata, UUID tenant) {
        var running = strata.operations().list(dev.strata.OperationFilter.all().withTenant(tenant.toString())
                .withState(OperationState.RUNNING));
        assertThat(running).hasSize(1);
        return running.get(0).id();
    }

    /**
     * Repeats {@code takeOver} while it is refused because the owner's lease still runs (each
     * refusal must be {@link ErrorCode#OPERATION_CONFLICT}); a liveness bound, not a timing assertion.
     */
    static OperationInfo onceLeaseExpired(Supplier<OperationInfo> takeOver) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return takeOver.get();
            } catch (StrataException e) {
                assertThat(e.code()).as("refused only while the lease runs: %s", e.getMessage())
                        .isEqualTo(ErrorCode.OPERATION_CONFLICT);
                assertThat(System.nanoTime()).as("the lease expired within a minute").isLessThan(until);
                Thread.sleep(100);
            }
        }
    }

    static void assertCode(ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(StrataException.class).extracting("code").isEqualTo(code);
    }

    static boolean databaseExists(String name) throws SQLException {
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean schemaExists(String database, String schema) throws SQLException {
        try (Connection c = TestStrata.admin(database);
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static long count(String namespace, String sql) throws SQLException {
        try (Connection c = TestStrata.admin(namespace); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
