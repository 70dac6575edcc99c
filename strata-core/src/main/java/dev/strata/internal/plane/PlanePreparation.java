package dev.strata.internal.plane;

import dev.strata.internal.sql.DataPlane;

import java.sql.SQLException;

/**
 * Makes a server ready to hold tenant databases as the default plane is: the T1 context role and
 * the template database at the current app-schema version. Idempotent.
 */
@FunctionalInterface
public interface PlanePreparation {
    void prepare(DataPlane plane) throws SQLException;
}
