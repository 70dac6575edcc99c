package dev.strata;

import java.time.Duration;
import java.util.Objects;

/**
 * A request to move a tenant online to another isolation mode, database or data plane
 * ({@link Tenants#move}). Build one with {@link #to(IsolationMode)} and the {@code with...} methods.
 * Immutable; validated when built.
 *
 * @param mode        the isolation mode the tenant has afterwards
 * @param plane       the key of the data plane to move to, {@code null} for the tenant's own
 * @param into        for a move to {@link IsolationMode#RLS} (or {@link IsolationMode#SCHEMA}) of a
 *                    T1: the shared database to consolidate it into, {@code null} for the plane's
 *                    default shared database
 * @param forceRegion whether a target plane of another region than the tenant's is accepted
 * @param freezeWait  how long the tenant's new transactions wait during the cutover before they
 *                    fail with {@link ErrorCode#TENANT_MOVING}: between 100 ms and 60 s, default 5 s
 * @param awaitEnd    whether {@link Tenants#move} returns only once the move ended ({@code false}: at once)
 */
public record MoveRequest(IsolationMode mode, String plane, String into, boolean forceRegion, Duration freezeWait,
                          boolean awaitEnd) {
    /** The default bound on how long a transaction waits for a cutover. */
    public static final Duration DEFAULT_FREEZE_WAIT = Duration.ofSeconds(5);
    private static final Duration MIN_FREEZE_WAIT = Duration.ofMillis(100);
    private static final Duration MAX_FREEZE_WAIT = Duration.ofSeconds(60);
    private static final String NAME = "[a-z][a-z0-9_-]{0,62}";

    public MoveRequest {
        if (mode == null) {
            throw invalid("A move needs the isolation mode to move to: rls, schema or database");
        }
        plane = blankToNull(plane);
        into = blankToNull(into);
        if (plane != null && !plane.matches(NAME)) {
            throw invalid("Data plane key '" + plane + "' is not valid: lower-case letters, digits, '-' and '_', "
                    + "starting with a letter");
        }
        if (into != null && !into.matches(NAME)) {
            throw invalid("Database name '" + into + "' is not valid: lower-case letters, digits, '-' and '_', "
                    + "starting with a letter");
        }
        if (into != null && mode == IsolationMode.DATABASE) {
            throw invalid("--into names a shared database to consolidate into; a move to 'database' mode gets a "
                    + "database of its own: leave --into out");
        }
        if (freezeWait == null) {
            freezeWait = DEFAULT_FREEZE_WAIT;
        }
        if (freezeWait.compareTo(MIN_FREEZE_WAIT) < 0 || freezeWait.compareTo(MAX_FREEZE_WAIT) > 0) {
            throw invalid("The freeze wait must be between 100 ms and 60 s, was " + freezeWait.toMillis() + " ms");
        }
    }

    /** A move to {@code mode} on the tenant's own plane, waiting for its end, with the default freeze wait. */
    public static MoveRequest to(IsolationMode mode) {
        return new MoveRequest(mode, null, null, false, DEFAULT_FREEZE_WAIT, true);
    }

    public MoveRequest withPlane(String newPlane) {
        return new MoveRequest(mode, newPlane, into, forceRegion, freezeWait, awaitEnd);
    }

    public MoveRequest withInto(String database) {
        return new MoveRequest(mode, plane, database, forceRegion, freezeWait, awaitEnd);
    }

    public MoveRequest withForceRegion(boolean force) {
        return new MoveRequest(mode, plane, into, force, freezeWait, awaitEnd);
    }

    public MoveRequest withFreezeWait(Duration value) {
        return new MoveRequest(mode, plane, into, forceRegion, Objects.requireNonNull(value, "freezeWait"), awaitEnd);
    }

    /** {@code false}: {@link Tenants#move} returns the running operation at once (follow it in {@link Operations}). */
    public MoveRequest withAwaitEnd(boolean value) {
        return new MoveRequest(mode, plane, into, forceRegion, freezeWait, value);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
