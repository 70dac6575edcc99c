package dev.strata.internal.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Objects;

/**
 * One side of a move as the registry knows it: where the rows are and what belongs to the tenant
 * alone there (dropped with it) rather than shared. Immutable.
 *
 * @param plane        data plane key
 * @param database     database name
 * @param schema       schema holding the rows ({@code app} or {@code t_<id>})
 * @param ownsDatabase the database is the moving tenant's own (dropped on removal)
 * @param ownsSchema   the schema is the moving tenant's own (dropped on removal)
 */
public record MoveSide(String plane, String database, String schema, boolean ownsDatabase, boolean ownsSchema) {
    public MoveSide {
        Objects.requireNonNull(plane, "plane");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(schema, "schema");
    }

    /** {@code plane/database/schema}. */
    public String name() {
        return plane + "/" + database + "/" + schema;
    }

    void write(ObjectNode node) {
        node.put("plane", plane).put("database", database).put("schema", schema)
                .put("owns_database", ownsDatabase).put("owns_schema", ownsSchema);
    }

    static MoveSide read(JsonNode node) {
        return new MoveSide(node.path("plane").asText(), node.path("database").asText(), node.path("schema").asText(),
                node.path("owns_database").asBoolean(), node.path("owns_schema").asBoolean());
    }
}
