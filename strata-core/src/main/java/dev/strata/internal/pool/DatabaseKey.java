package dev.strata.internal.pool;

/** A database on a data plane: the unit of pooling. */
public record DatabaseKey(String dataPlane, String database) {
    @Override
    public String toString() {
        return dataPlane + "/" + database;
    }
}
