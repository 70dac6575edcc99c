package dev.strata;

import java.util.Objects;

/**
 * A request to register a data plane ({@link Planes#add}): a PostgreSQL server (kind {@code postgres},
 * the default), or a Neon account (kind {@code neon}, {@link #neon}) where each T1 gets a Neon project
 * or branch of its own.
 *
 * <p>{@link #toString()} never shows the password or the API key.
 *
 * @param key      1-24 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'
 * @param server   how Strata's administrator reaches the server: a superuser, or a role with
 *                 CREATEDB and CREATEROLE; {@code null} for a Neon plane
 * @param region   optional data-residency label (as a tenant's region)
 * @param capacity the most T1 databases the plane takes, {@code null} for no limit
 * @param neon     a Neon plane's account and placement, {@code null} for a PostgreSQL server
 */
public record NewPlane(String key, PostgresServer server, String region, Integer capacity, NeonOptions neon) {

    public NewPlane {
        if ((server == null) == (neon == null)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "A data plane is either a PostgreSQL server (--url) or a Neon account (--kind neon), exactly one");
        }
    }

    /** A PostgreSQL server plane. */
    public NewPlane(String key, PostgresServer server, String region, Integer capacity) {
        this(key, server, region, capacity, null);
    }

    /** A Neon plane (kind {@code neon}). */
    public static NewPlane neon(String key, NeonOptions options) {
        return new NewPlane(key, null, null, null, Objects.requireNonNull(options, "options"));
    }

    /** {@code neon} or {@code postgres}. */
    public String kind() {
        return neon != null ? "neon" : "postgres";
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
        return new NewPlane(key, server, newRegion, capacity, neon);
    }

    public NewPlane withCapacity(Integer newCapacity) {
        return new NewPlane(key, server, region, newCapacity, neon);
    }

    @Override
    public String toString() {
        return "NewPlane[key=" + key + ", " + (neon != null ? neon : "server=" + server) + ", region=" + region + ", capacity=" + capacity + "]";
    }
}
