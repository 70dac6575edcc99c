package dev.strata.internal.restore;

import java.time.Instant;
import java.util.UUID;

/**
 * Restores a T1 to a moment of its plane's own history (Neon's branch restore). Registered by planes
 * that keep such a history; a tenant whose plane does not is restored from one of its backups
 * instead, which is never called point-in-time. Thread-safe.
 */
public interface PointInTimeRestore {

    /** Whether this tenant's data lives where this restore can reach it. */
    boolean supports(UUID tenantId);

    /**
     * Starts the restore as a journaled operation and returns its id without waiting.
     *
     * @param tenantId   the T1
     * @param to         the moment to restore to
     * @param preserveAs the name under which the state before the restore is kept, or {@code null} for
     *                   the plane's default name
     * @param actor      who asked (recorded in the tenant's history)
     * @throws dev.strata.StrataException with a specific code when the placement cannot restore (say why)
     */
    UUID start(UUID tenantId, Instant to, String preserveAs, String actor);
}
