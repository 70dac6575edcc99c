package dev.strata.internal.plane;

import java.util.UUID;

/**
 * What moves the tenants off a plane once it is marked draining: the DRAIN operation
 * ({@code dev.strata.internal.drain.Drains} registers itself on the engine's {@link PlaneRegistry}).
 * Implementations are thread-safe.
 */
public interface DrainStarter {

    /**
     * Called after the plane's status is {@code draining} and committed: starts the operation and
     * returns its id without waiting. Called again by a repeated drain: returns the running
     * operation's id then, and continues an interrupted or failed one.
     */
    UUID startDrain(String planeKey, int concurrency, String actor);

    /**
     * Refuses with {@link dev.strata.ErrorCode#OPERATION_CONFLICT} while a drain of the plane runs
     * (before the plane takes tenants again).
     */
    void requireNoDrainRunning(String planeKey);
}
