package dev.strata.internal.operation;

import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * An operation this process works on, from claiming (or opening) it until its thread is done with
 * it. While open, the heartbeat renews its lease. Closing it ends that; if the operation was not
 * finished (the thread failed with something it could not handle, or gave up), its lease is
 * expired at once so recovery can take it over.
 *
 * <p>Progress is persisted with every step: by default the number of distinct steps done out of
 * the total set by {@link #plan}; an operation that counts something else (targets) reports it
 * with {@link #progress}. Thread-safe: the steps of an operation that works on members in parallel
 * (a drain's tenants) may run in several threads; their journal records are serialised.
 */
public final class RunningOperation implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunningOperation.class);

    private final UUID id;
    private final OperationKind kind;
    private final OperationJournal journal;
    private final Supplier<StepHook> hook;
    private final Runnable untrack;
    private final Set<String> doneSteps;
    private int done;
    private int total;
    private boolean explicitProgress;

    RunningOperation(UUID id, OperationKind kind, OperationJournal journal, Supplier<StepHook> hook, Runnable untrack,
                     Collection<String> alreadyDone, int done, int total) {
        this.id = id;
        this.kind = kind;
        this.journal = journal;
        this.hook = hook;
        this.untrack = untrack;
        this.doneSteps = new LinkedHashSet<>(alreadyDone);
        this.done = done;
        this.total = total;
    }

    /** A step's work. */
    @FunctionalInterface
    public interface Work {
        void run() throws SQLException;
    }

    public UUID id() {
        return id;
    }

    public OperationKind kind() {
        return kind;
    }

    /** Sets how many steps the operation runs in all (persisted with the next step). */
    public synchronized void plan(int steps) {
        this.total = Math.max(steps, doneSteps.size());
    }

    /**
     * Records progress that the operation counts itself (e.g. targets done out of all targets);
     * the steps recorded after this keep it.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public synchronized void progress(int doneCount, int totalCount) {
        this.explicitProgress = true;
        this.done = doneCount;
        this.total = totalCount;
        journal.progress(id, doneCount, totalCount);
    }

    /**
     * Records what the operation reports beyond done/total while it runs (a JSON object; see
     * {@link dev.strata.OperationInfo#report()}), and renews its lease.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    public synchronized void report(String reportJson) {
        journal.report(id, reportJson);
    }

    /** Runs one step, journalled before and after. */
    public void step(OperationStep step, Work work) {
        step(step, null, work);
    }

    /**
     * Runs one step for a member ({@code qualifier}: a cascade's T2, a migration target),
     * journalled before and after; stops with {@link dev.strata.ErrorCode#OPERATION_CONFLICT}
     * before running it if this process no longer owns the operation.
     */
    public void step(OperationStep step, String qualifier, Work work) {
        String name = step.journalName(qualifier);
        synchronized (this) {
            journal.step(id, name, "started", done, total);
        }
        hook.get().beforeStep(id, kind, step, qualifier);
        try {
            work.run();
        } catch (SQLException e) {
            throw Jdbc.databaseError(name.replace('_', ' '), e);
        }
        synchronized (this) {
            doneSteps.add(name);
            if (!explicitProgress) {
                done = Math.min(doneSteps.size(), Math.max(total, doneSteps.size()));
                total = Math.max(total, done);
            }
            journal.step(id, name, "done", done, total);
        }
    }

    /** Ends the operation inside the caller's transaction (fenced: only while this process owns it). */
    public void finish(Connection c, OperationState state, String error) throws SQLException {
        journal.finish(c, id, state, error);
    }

    /**
     * Ends the operation inside the caller's transaction and keeps it in the journal after its
     * tenant's rows are removed in that transaction (see {@link OperationJournal#detachFromTenant}).
     */
    public void finishDetached(Connection c, OperationState state, String error) throws SQLException {
        journal.finish(c, id, state, error);
        journal.detachFromTenant(c, id);
    }

    /** Ends the operation in a transaction of its own (fenced). */
    public void finish(OperationState state, String error) {
        journal.finish(id, state, error);
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
