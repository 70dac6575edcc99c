package dev.strata.internal.provisioning;

import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An operation this process works on, from claiming (or opening) it until its thread is done with
 * it. While open, the heartbeat renews its lease. Closing it ends that; if the operation was not
 * finished (the thread failed with something it could not handle, or gave up), its lease is
 * expired at once so recovery can take it over. Used by one thread; not thread-safe.
 */
public final class RunningOperation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningOperation.class);

    private final UUID id;
    private final String kind;
    private final OperationJournal journal;
    private final Supplier<StepHook> hook;
    private final Runnable untrack;

    RunningOperation(UUID id, String kind, OperationJournal journal, Supplier<StepHook> hook, Runnable untrack) {
        this.id = id;
        this.kind = kind;
        this.journal = journal;
        this.hook = hook;
        this.untrack = untrack;
    }

    /** A step's work. */
    @FunctionalInterface
    public interface Step {
        void run() throws SQLException;
    }

    public UUID id() {
        return id;
    }

    /**
     * Runs one step, journalled before and after; stops with {@link dev.strata.ErrorCode#OPERATION_CONFLICT}
     * before running it if this process no longer owns the operation.
     */
    public void step(String name, Step step) {
        journal.step(id, name, "started");
        hook.get().beforeStep(id, kind, name);
        try {
            step.run();
        } catch (SQLException e) {
            throw Jdbc.databaseError(name.replace('_', ' '), e);
        }
        journal.step(id, name, "done");
    }

    @Override
    public void close() {
        untrack.run();
        try {
            journal.abandon(id);
        } catch (RuntimeException e) {
            LOG.debug("Could not give up operation {} (its lease expires by itself): {}", id, e.getMessage());
        }
    }
}
