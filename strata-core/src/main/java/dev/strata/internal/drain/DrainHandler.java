package dev.strata.internal.drain;

import dev.strata.OperationKind;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationHandler;
import dev.strata.internal.operation.OperationJournal;
import dev.strata.internal.operation.RunningOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Resumes, stops and aborts drains. Recovery and {@code resume} continue a drain from what is
 * left on its plane (finishing its tenants' interrupted moves first). {@code abort} of a drain
 * whose process still runs it asks that process to stop starting moves (the running ones finish
 * or roll back by themselves) and returns at once; of a drain nobody runs, it rolls back the
 * tenants' unfinished moves. Either way the plane stays {@code draining}. Thread-safe.
 */
final class DrainHandler implements OperationHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DrainHandler.class);

    private final DrainRun run;

    DrainHandler(DrainRun run) {
        this.run = run;
    }

    @Override
    public OperationKind kind() {
        return OperationKind.DRAIN;
    }

    @Override
    public void recover(JournalEntry entry, RunningOperation operation) {
        DrainRun.Plan plan = DrainRun.Plan.of(entry);
        LOG.warn("Continuing the interrupted drain of data plane '{}'", plan.plane());
        run.forward(plan, operation, entry.report());
    }

    @Override
    public void resume(JournalEntry entry, RunningOperation operation) {
        DrainRun.Plan plan = DrainRun.Plan.of(entry);
        LOG.warn("Resuming the drain of data plane '{}' at an operator's request", plan.plane());
        run.forward(plan, operation, entry.report());
    }

    @Override
    public boolean stopWhileLive(Connection c, JournalEntry entry, OperationJournal journal) throws SQLException {
        journal.requestStop(c, entry.id());
        return true;
    }

    @Override
    public void abort(JournalEntry entry, RunningOperation operation) {
        DrainRun.Plan plan = DrainRun.Plan.of(entry);
        LOG.warn("Aborting the drain of data plane '{}' at an operator's request", plan.plane());
        run.abort(plan, operation, entry.report());
    }
}
