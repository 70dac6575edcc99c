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

    /** How many moves a drain runs at once unless told otherwise. */
    int DEFAULT_DRAIN_CONCURRENCY = 2;
    /** The most moves a drain runs at once. */
    int MAX_DRAIN_CONCURRENCY = 16;

    /** {@link #drain(String, int)} with {@value #DEFAULT_DRAIN_CONCURRENCY} moves at once. */
    default DataPlaneInfo drain(String key) {
        return drain(key, DEFAULT_DRAIN_CONCURRENCY);
    }

    /**
     * Marks a plane draining (from now on no tenant lands or moves there; tenants there keep
     * working) and starts the DRAIN operation ({@link DataPlaneInfo#drainOperation()}, kind
     * {@link OperationKind#DRAIN}), which moves every tenant off it online: each live tenant placed
     * there (a T1 with the T2s of its schema, a T2 with a database of its own) gets the same mode on
     * the least used other active plane of its region with room, at most {@code concurrency} moves at
     * once. A tenant with no such plane, or whose move is refused or fails, is recorded as failed and
     * the others go on; the drain then ends {@code failed} naming them. Follow it in
     * {@link Operations#show} ({@link OperationInfo#done()} of {@link OperationInfo#total()} tenants,
     * {@link OperationInfo#report()}: {@code moved}, {@code failed}, per tenant). Returns at once. A repeated call while the drain runs returns it;
     * after it was interrupted or failed, continues it. {@link Operations#abort} stops it (the moves
     * under way end by themselves); the plane stays draining until {@link #activate}.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}, {@link ErrorCode#INVALID_ARGUMENT}
     *         (concurrency not 1 to {@value #MAX_DRAIN_CONCURRENCY}), {@link ErrorCode#INVALID_STATE}
     *         (drained already: draining, no tenant on it, no drain left unfinished)
     */
    DataPlaneInfo drain(String key, int concurrency);

    /**
     * Lets tenants land on a draining plane again (its status {@code active}); no-op for an active one.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}, {@link ErrorCode#OPERATION_CONFLICT}
     *         (its drain is running: abort it first)
     */
    DataPlaneInfo activate(String key);

    /** This interface acting as {@code actor} (recorded as who drained a plane), e.g. {@code api-key:ops}. */
    Planes actingAs(String actor);
}
