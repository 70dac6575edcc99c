package dev.strata.internal.migration;

import dev.strata.migration.MigrationTargetKind;

import java.util.Objects;
import java.util.UUID;

/**
 * One app schema that receives the application's tenant migrations.
 *
 * @param dataPlane the data plane's key
 * @param database  the database holding the schema
 * @param schema    {@code app} or a tenant schema {@code t_<id>}
 * @param kind      what it is
 * @param tenant    the tenant it belongs to, {@code null} for the template and shared databases
 */
public record AppSchema(String dataPlane, String database, String schema, MigrationTargetKind kind, UUID tenant) {
    public AppSchema {
        Objects.requireNonNull(dataPlane, "dataPlane");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(kind, "kind");
    }

    /** The target's stable name, {@code <data plane>/<database>/<schema>}. */
    public String name() {
        return dataPlane + "/" + database + "/" + schema;
    }
}
