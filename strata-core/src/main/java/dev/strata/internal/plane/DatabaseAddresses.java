package dev.strata.internal.plane;

import dev.strata.internal.sql.DataPlane;

/**
 * Where one database of a plane that is not one server is reached (a Neon plane: each T1's branch
 * has its own endpoint). Thread-safe.
 */
@FunctionalInterface
public interface DatabaseAddresses {
    /**
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#PLANE_NOT_FOUND} if no placement holds the database
     */
    DataPlane of(String planeKey, String database);
}
