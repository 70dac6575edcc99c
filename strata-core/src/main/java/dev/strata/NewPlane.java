package dev.strata;

import java.util.Objects;

/**
 * A request to register a PostgreSQL server as a data plane ({@link Planes#add}).
 *
 * <p>{@link #toString()} never shows the password (nor does {@link PostgresServer#toString()}).
 *
 * @param key      1-24 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'
 * @param server   how Strata's administrator reaches the server: a superuser, or a role with
 *                 CREATEDB and CREATEROLE
 * @param region   optional data-residency label (as a tenant's region)
 * @param capacity the most T1 databases the plane takes, {@code null} for no limit
 */
public record NewPlane(String key, PostgresServer server, String region, Integer capacity) {

    public NewPlane {
        Objects.requireNonNull(server, "server");
    }

    /**
     * A plane at the server a libpq or JDBC URL names ({@code postgresql://user:password@host:5432/postgres}).
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} naming what is wrong with the URL
     *         (the password is never repeated)
     */
    public static NewPlane of(String key, String url) {
        PostgresServer server;
        try {
            server = PostgresServer.parse(url);
        } catch (StrataException e) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        return new NewPlane(key, server, null, null);
    }

    public NewPlane withRegion(String newRegion) {
        return new NewPlane(key, server, newRegion, capacity);
    }

    public NewPlane withCapacity(Integer newCapacity) {
        return new NewPlane(key, server, region, newCapacity);
    }

    @Override
    public String toString() {
        return "NewPlane[key=" + key + ", server=" + server + ", region=" + region + ", capacity=" + capacity + "]";
    }
}
