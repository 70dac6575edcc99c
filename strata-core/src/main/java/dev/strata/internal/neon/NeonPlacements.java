package dev.strata.internal.neon;

import java.util.Optional;
import java.util.UUID;

/**
 * Looks up where T1s on Neon planes live, and the API client of each Neon plane. Implemented by the
 * Neon plane; used by everything that works on a T1's Neon branch (dev branches, point-in-time
 * restore, cold-start accounting). Thread-safe.
 */
public interface NeonPlacements {

    /** The Neon placement of a T1 (or of the T1 a T2 belongs to); empty when it is not on a Neon plane. */
    Optional<NeonPlacement> of(UUID tenantId);

    /** The API client of a Neon plane (one per plane: its rate limit is shared by all its calls). */
    NeonApi api(String planeKey);
}
