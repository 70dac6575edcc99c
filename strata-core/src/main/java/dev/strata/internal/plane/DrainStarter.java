package dev.strata.internal.plane;

import java.util.UUID;

/**
 * What moves the tenants off a plane once it is marked draining: the DRAIN operation (helper
 * "move" registers it on the engine's {@link PlaneRegistry}). Called after the plane's status is
 * {@code draining} and committed; it starts the operation and returns its id without waiting.
 * Called again by a repeated drain: return the running operation's id then.
 */
@FunctionalInterface
public interface DrainStarter {
    UUID startDrain(String planeKey, String actor);
}
