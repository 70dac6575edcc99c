package dev.strata;

import java.util.List;

/**
 * The data planes: the PostgreSQL servers Strata places tenants on. The configured server is the
 * plane {@code default}; more are added at run time and seen by every Strata process of the same
 * management database. Obtained from {@link Strata#planes()}; thread-safe.
 *
 * <p>Credentials given to {@link #add} are kept in the management database (which only Strata's
 * administrator role can read) and never appear in what this interface returns, in messages or
 * in logs.
 */
public interface Planes {
    /**
     * Checks a server and registers it: it must be reachable, accept the login, run PostgreSQL 15
     * or newer, and the login must be a superuser or have CREATEDB and CREATEROLE. Its
     * {@code wal_level} is recorded (online moves need {@code logical}; anything else is logged as
     * a warning, not refused). The server is prepared like the default one (the T1 context role, the
     * template database at the current app-schema version) before the plane is registered; a
     * refused or failed add registers nothing.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} (bad key, region or capacity, a key
     *         or a server already registered, login refused, missing privileges, too old a server),
     *         {@link ErrorCode#DATABASE_UNAVAILABLE} (the server cannot be reached)
     */
    DataPlaneInfo add(NewPlane plane);

    /** Every registered plane, {@code default} first, then by key. */
    List<DataPlaneInfo> list();

    /**
     * One plane.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}
     */
    DataPlaneInfo get(String key);

    /**
     * Marks a plane draining: from now on no new T1 lands there (tenants there keep working), and
     * the DRAIN operation that moves its tenants off, where this Strata has one, is started
     * ({@link DataPlaneInfo#drainOperation()}). Returns at once; idempotent.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}
     */
    DataPlaneInfo drain(String key);
}
