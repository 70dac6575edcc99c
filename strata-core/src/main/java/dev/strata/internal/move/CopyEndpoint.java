package dev.strata.internal.move;

import dev.strata.internal.sql.DataPlane;

import java.util.Objects;

/**
 * One side of a tenant copy: a schema of a database on a data plane, reached as the plane's
 * administrator. Immutable.
 *
 * @param plane    the data plane (server) holding the database
 * @param database the database name
 * @param schema   the schema holding the tenant's application tables ({@code app} or {@code t_<id>})
 */
public record CopyEndpoint(DataPlane plane, String database, String schema) {
    public CopyEndpoint {
        Objects.requireNonNull(plane, "plane");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
    }

    /** {@code <plane>/<database>/<schema>}, for messages and the journal. */
    public String name() {
        return plane.key() + "/" + database + "/" + schema;
    }
}
