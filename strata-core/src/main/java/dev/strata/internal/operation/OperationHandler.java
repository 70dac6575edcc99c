package dev.strata.internal.operation;

import dev.strata.OperationKind;

/**
 * What the {@link OperationRunner} does with an operation of one kind that another process (or an
 * earlier run of this one) left unfinished. The runner has claimed the operation before it calls
 * {@link #recover}, {@link #resume} or {@link #abort}, and the handler works under that claim:
 * every step it records is fenced, and it ends the operation through the given
 * {@link RunningOperation}. Implementations are thread-safe.
 */
public interface OperationHandler {

    /** The kind handled. */
    OperationKind kind();

    /**
     * After a crash (found by automatic recovery once the lease expired): resume or compensate,
     * whichever the kind's journal says is right (e.g. an interrupted import is rolled back, its
     * archive being gone).
     */
    void recover(JournalEntry entry, RunningOperation operation);

    /**
     * Refuses with {@link dev.strata.ErrorCode#INVALID_STATE}, before anything is claimed, an
     * operation that cannot be resumed (only compensated). Accepts by default.
     */
    default void requireResumable(JournalEntry entry) {
    }

    /** An operator asked to finish it. */
    void resume(JournalEntry entry, RunningOperation operation);

    /**
     * Refuses with {@link dev.strata.ErrorCode#INVALID_STATE}, before anything is claimed, an
     * operation that can no longer be undone. Accepts by default.
     */
    default void requireAbortable(JournalEntry entry) {
    }

    /**
     * An operator asked to abort it while its owner still works on it: return {@code true} if the
     * kind can be stopped that way, having recorded the request inside {@code c} (say with
     * {@link OperationJournal#requestStop}); the owner then winds it down and ends it
     * {@link dev.strata.OperationState#ABORTED} itself. {@code false} (the default) refuses the
     * abort while the owner lives.
     */
    default boolean stopWhileLive(java.sql.Connection c, JournalEntry entry, OperationJournal journal)
            throws java.sql.SQLException {
        return false;
    }

    /** An operator asked to undo it: compensate and end it {@link dev.strata.OperationState#ABORTED}. */
    void abort(JournalEntry entry, RunningOperation operation);
}
