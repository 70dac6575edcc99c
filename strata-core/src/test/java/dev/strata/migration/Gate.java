package dev.strata.migration;

import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Holds {@link MigrationSets#GATE} in one database, so that V2 waits there (and only there) until
 * the gate opens: a run in flight, with a known part of it done, for as long as a test needs.
 */
final class Gate implements AutoCloseable {
    private final Connection held;

    private Gate(Connection held) {
        this.held = held;
    }

    static Gate closeIn(String database) throws SQLException {
        Connection c = TestStrata.admin(database);
        try (Statement s = c.createStatement()) {
            s.execute("SELECT pg_advisory_lock(" + MigrationSets.GATE + ")");
        }
        return new Gate(c);
    }

    /** Opens the gate: the waiting migrations go on. */
    @Override
    public void close() throws SQLException {
        held.close();
    }

    /** Waits (bounded) until the condition holds. */
    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
