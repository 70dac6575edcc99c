package dev.strata.internal.operation;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one runner of long operations (provisioning, decommissioning, imports, the migration
 * fan-out, and later moves): opens them in the journal, tracks the ones this process works on
 * (their leases are renewed by the heartbeat), and hands operations left unfinished to the
 * {@link OperationHandler} registered for their kind: automatically once their lease has expired
 * ({@link #recoverExpired}), or when an operator asks ({@link #resume}, {@link #abort}). A live
 * owner's operation is never taken over. Thread-safe.
 */
public final class OperationRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationRunner.class);

    private final DataSource management;
    private final OperationJournal journal;
    private final OperationLeases leases;
    /** Copied on write: read without a lock by recovery and by operators' requests. */
    private volatile Map<OperationKind, OperationHandler> handlers = Map.of();

    public OperationRunner(DataSource management, Duration lease) {
        this.management = management;
        this.journal = new OperationJournal(management, OperationLeases.newOwnerId(), lease);
        this.leases = new OperationLeases(lease);
    }

    public OperationJournal journal() {
        return journal;
    }

    /** This process's operations and their heartbeat. */
    public OperationLeases leases() {
        return leases;
    }

    /** Registers what resumes and compensates operations of the handler's kind (replacing an earlier one). */
    public void register(OperationHandler handler) {
        synchronized (journal) {
            Map<OperationKind, OperationHandler> next = new EnumMap<>(OperationKind.class);
            next.putAll(handlers);
            next.put(handler.kind(), handler);
            handlers = Map.copyOf(next);
        }
    }

    /**
     * Leaves operations of a kind to other processes from now on: this one neither recovers,
     * resumes nor aborts them (tests, and a process that must not run that kind).
     */
    public void unregister(OperationKind kind) {
        synchronized (journal) {
            Map<OperationKind, OperationHandler> next = new EnumMap<>(OperationKind.class);
            next.putAll(handlers);
            next.remove(kind);
            handlers = Map.copyOf(next);
        }
    }

    /**
     * Opens an operation owned by this process inside the caller's transaction; {@link #track} it
     * once that transaction committed.
     */
    public UUID open(Connection c, OperationKind kind, UUID tenantId, String detailJson) throws SQLException {
        return journal.begin(c, kind, tenantId, detailJson);
    }

    /** Works on an operation this process opened; close the handle when the thread is done with it. */
    public RunningOperation track(UUID operation, OperationKind kind) {
        return leases.track(operation, kind, journal, List.of(), 0, 0);
    }

    /** Works on an operation this process claimed, continuing its journalled progress. */
    public RunningOperation track(JournalEntry claimed) {
        return leases.track(claimed.id(), claimed.kind(), journal, claimed.doneSteps(), claimed.done(), claimed.total());
    }

    /**
     * Starts renewing this process's leases and, if {@code automaticRecovery}, taking over every
     * lease period the operations whose lease expired.
     */
    public void startHousekeeping(boolean automaticRecovery) {
        leases.start(journal, automaticRecovery ? this::recoverExpired : null);
    }

    /**
     * Takes over operations whose lease has expired (their process died or gave them up), one
     * claim at a time, and lets their kind's handler resume or compensate each. Operations of a
     * live owner are never touched, nor kinds without a handler in this process.
     */
    public synchronized void recoverExpired() {
        Set<UUID> tried = new HashSet<>();
        while (true) {
            Optional<JournalEntry> claimed = journal.claimExpired(handlers.keySet(), tried);
            if (claimed.isEmpty()) {
                return;
            }
            JournalEntry entry = claimed.get();
            tried.add(entry.id());
            try {
                run(entry, handlers.get(entry.kind())::recover);
            } catch (RuntimeException e) {
                LOG.error("Could not recover operation {} ({}): {}", entry.id(), entry.kind().wireName(), e.getMessage());
            }
        }
    }

    /**
     * Finishes an operation whose owner is gone or that failed, in the calling thread.
     *
     * @return the operation as it ended
     * @throws StrataException see {@link dev.strata.Operations#resume}
     */
    public JournalEntry resume(UUID operation) {
        HandlerAndEntry claimed = claimForOperator(operation, "resumed", OperationHandler::requireResumable);
        run(claimed.entry(), claimed.handler()::resume);
        return find(operation);
    }

    /**
     * {@link #resume} in a thread of its own: the operation is claimed (running, owned by this
     * process) before this returns, and finished in the background.
     *
     * @throws StrataException see {@link dev.strata.Operations#resume}
     */
    public void resumeInBackground(UUID operation, String threadName) {
        HandlerAndEntry claimed = claimForOperator(operation, "resumed", OperationHandler::requireResumable);
        Thread worker = new Thread(() -> {
            try {
                run(claimed.entry(), claimed.handler()::resume);
            } catch (RuntimeException e) {
                LOG.warn("Operation {} ({}) ended with an error: {}", operation, claimed.entry().kind().wireName(),
                        e.getMessage());
            }
        }, threadName);
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Undoes an operation whose owner is gone or that failed, in the calling thread.
     *
     * @return the operation as it ended
     * @throws StrataException see {@link dev.strata.Operations#abort}
     */
    public JournalEntry abort(UUID operation) {
        if (operation != null && stopRequestedWhileLive(operation)) {
            return find(operation);
        }
        HandlerAndEntry claimed = claimForOperator(operation, "aborted", OperationHandler::requireAbortable);
        run(claimed.entry(), claimed.handler()::abort);
        return find(operation);
    }

    /**
     * One operation as journalled now.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_NOT_FOUND}
     */
    public JournalEntry find(UUID operation) {
        return journal.find(operation).orElseThrow(() -> notFound(operation));
    }

    /** Operations matching every criterion given, newest first. */
    public List<JournalEntry> list(OperationState state, OperationKind kind, UUID tenantId, int limit,
                                   dev.strata.OperationFilter.Position after) {
        return journal.list(state, kind, tenantId, limit, after);
    }

    /** Stops the heartbeat and the periodic recovery: operations this process still works on expire after their lease. */
    @Override
    public void close() {
        leases.close();
    }

    private record HandlerAndEntry(OperationHandler handler, JournalEntry entry) {
    }

    @FunctionalInterface
    private interface Check {
        void check(OperationHandler handler, JournalEntry entry);
    }

    @FunctionalInterface
    private interface Work {
        void run(JournalEntry entry, RunningOperation operation);
    }

    /** Asks a live operation's owner to stop it, where its kind allows that; whether it did. */
    private boolean stopRequestedWhileLive(UUID operation) {
        return Jdbc.inTransaction(management, "request operation " + operation + " to stop", c -> {
            Optional<JournalEntry> entry = journal.find(c, operation, true);
            if (entry.isEmpty() || entry.get().state() != OperationState.RUNNING || !entry.get().live()) {
                return false;
            }
            OperationHandler handler = handlers.get(entry.get().kind());
            if (handler == null || !handler.stopWhileLive(c, entry.get(), journal)) {
                return false;
            }
            LOG.warn("Operator asked process {} to stop operation {} ({})", entry.get().owner(), operation,
                    entry.get().kind().wireName());
            return true;
        });
    }

    /** Validates and claims under the row's lock, so a refused request changes nothing. */
    private HandlerAndEntry claimForOperator(UUID operation, String verb, Check check) {
        if (operation == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An operation id is required");
        }
        return Jdbc.inTransaction(management, "claim operation " + operation, c -> {
            JournalEntry entry = journal.find(c, operation, true).orElseThrow(() -> notFound(operation));
            if (entry.state().finished()) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + operation + " (" + entry.kind().wireName()
                        + ") already ended " + entry.state().wireName() + (entry.finishedAt() == null ? "" : " at "
                        + entry.finishedAt()) + ": it cannot be " + verb);
            }
            if (entry.state() == OperationState.RUNNING && entry.live()) {
                throw entry.liveConflict(verb);
            }
            OperationHandler handler = handlers.get(entry.kind());
            if (handler == null) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Operation " + operation + " is a '"
                        + entry.kind().wireName() + "' operation, which this process cannot resume or abort");
            }
            check.check(handler, entry);
            if (!journal.claim(c, operation)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Operation " + operation
                        + " was claimed by another process at the same time; see who owns it now");
            }
            LOG.warn("Operator takes over operation {} ({}) of process {} to have it {}", operation,
                    entry.kind().wireName(), entry.owner(), verb);
            return new HandlerAndEntry(handler, entry);
        });
    }

    private void run(JournalEntry entry, Work work) {
        String previous = MDC.get("tenant");
        if (entry.tenantId() != null) {
            MDC.put("tenant", entry.tenantId().toString());
        }
        try (RunningOperation operation = track(entry)) {
            work.run(entry, operation);
        } finally {
            if (previous == null) {
                MDC.remove("tenant");
            } else {
                MDC.put("tenant", previous);
            }
        }
    }

    private static StrataException notFound(UUID operation) {
        return new StrataException(ErrorCode.OPERATION_NOT_FOUND, "No operation with id " + operation
                + ": list them with 'strata operations list' (GET /v1/operations)");
    }
}
