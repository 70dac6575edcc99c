package dev.strata.internal.move;

import java.time.Duration;
import java.util.List;

/**
 * The data engine of an online move: copies one tenant's rows from a source schema to a target
 * schema while the tenant keeps writing, captures the changes made meanwhile (a logical
 * replication slot on the source with a publication row-filtered on {@code tenant_id}) and applies
 * them to the target until both agree. It knows nothing of routing, freezes or journals: the move
 * operation drives it step by step and records each step.
 *
 * <p>Every method is idempotent and resumable after a crash of the calling process: the state that
 * must survive (slot, publication, applied position) lives in the source and target databases,
 * named after {@code captureName} (a stable name derived from the operation id; at most 40
 * characters of {@code [a-z0-9_]}). Implementations are thread-safe; one capture is driven by
 * one thread at a time (the operation's claim guarantees it).
 */
public interface ChangeCapture {

    /**
     * Checks that the source can be captured: {@code wal_level=logical} on the source's server and
     * every table of the scope having {@code tenant_id} in its replica identity (a primary key or
     * replica-identity index containing it). Changes nothing.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#MOVE_REFUSED} saying what to change
     */
    void requireCapturable(CopyEndpoint source, CopyScope scope);

    /**
     * Starts capturing: creates the publication (row filter on the scope's tenants) and the logical
     * slot on the source if they do not exist yet. Changes committed after this call returns are
     * captured.
     */
    void start(String captureName, CopyEndpoint source, CopyScope scope);

    /**
     * Copies the scope's current rows into the target (emptied of the scope's rows first, so a
     * repeated call after a crash starts clean); returns the number of rows copied. Must be called
     * after {@link #start}: changes racing with the copy are then applied again by
     * {@link #catchUp}, which is idempotent.
     */
    long initialCopy(String captureName, CopyEndpoint source, CopyEndpoint target, CopyScope scope);

    /**
     * Applies the captured changes to the target, in commit order, for at most {@code maxTime};
     * returns the number of captured bytes still waiting after it (0 when the target has caught up
     * with everything committed before the call).
     */
    long catchUp(String captureName, CopyEndpoint source, CopyEndpoint target, CopyScope scope, Duration maxTime);

    /** Sets the target's sequences (identity and serial columns) to at least the source's values. */
    void syncSequences(CopyEndpoint source, CopyEndpoint target, CopyScope scope);

    /** Compares every table of the scope, source against target (counts and checksums). */
    List<TableCheck> verify(CopyEndpoint source, CopyEndpoint target, CopyScope scope);

    /**
     * Takes both sides' counts and checksums now, before a freeze, and keeps their snapshots open,
     * so that {@link #verify(CopyEndpoint, CopyEndpoint, CopyScope, VerifyBaseline)} later needs to
     * read only what changed since. The caller closes it (it holds locks that keep both sides'
     * tables from being altered, and their vacuum horizon). {@link VerifyBaseline#NONE} where
     * there is none to take.
     */
    default VerifyBaseline verifyBaseline(CopyEndpoint source, CopyEndpoint target, CopyScope scope) {
        return VerifyBaseline.NONE;
    }

    /**
     * {@link #verify(CopyEndpoint, CopyEndpoint, CopyScope)}, the same figures, computed from a
     * baseline of the same endpoints and scope taken earlier (else, or if that fails, from every row).
     */
    default List<TableCheck> verify(CopyEndpoint source, CopyEndpoint target, CopyScope scope, VerifyBaseline baseline) {
        return verify(source, target, scope);
    }

    /** Drops the slot and the publication of the capture (nothing if already gone). */
    void stop(String captureName, CopyEndpoint source);

    /**
     * {@link #stop(String, CopyEndpoint)}, and also what the capture keeps on the target's server
     * (the applied position): call this one when the target is known, so nothing of the capture
     * remains on either server. Nothing if already gone.
     */
    default void stop(String captureName, CopyEndpoint source, CopyEndpoint target) {
        stop(captureName, source);
    }

    /** Deletes the scope's rows from an endpoint (the source after a verified move, the target on abort). */
    void deleteRows(CopyEndpoint endpoint, CopyScope scope);
}
