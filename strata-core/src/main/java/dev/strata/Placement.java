package dev.strata;

import java.util.Objects;

/**
 * Where a tenant's data lives.
 *
 * @param mode      the isolation mode
 * @param dataPlane the key of the PostgreSQL server (data plane) holding the database
 * @param database  the database holding the tenant's tables
 * @param schema    the schema holding the tenant's tables ({@code app} for shared tables,
 *                  {@code t_<id>} for a schema-mode tenant)
 * @param version   bumped on every change of placement or status, so caches can tell stale entries
 */
public record Placement(IsolationMode mode, String dataPlane, String database, String schema, long version) {
    public Placement {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
    }
}
