package dev.strata;

/**
 * Machine-readable reason carried by every {@link StrataException}.
 *
 * <p>Each code maps to one HTTP status in the REST API ({@link #httpStatus()}) and one
 * process exit code in the CLI ({@link #exitCode()}), so callers can branch on the code rather
 * than on message text.
 */
public enum ErrorCode {
    /** A request named a tenant (by id or slug) that does not exist. */
    TENANT_NOT_FOUND(404, 3),
    /** The tier/parent combination breaks the T0 → T1 → T2 hierarchy. */
    INVALID_HIERARCHY(422, 4),
    /** A slug is malformed or already taken by a live tenant. */
    INVALID_SLUG(422, 4),
    /** Another live tenant already uses the requested slug. */
    DUPLICATE_SLUG(409, 5),
    /** A field of a request is missing or malformed (an id that is not a UUID, an unknown mode, ...). */
    INVALID_ARGUMENT(400, 2),
    /** The tenant exists but is suspended (or its T1 is), so its data may not be used. */
    TENANT_SUSPENDED(423, 6),
    /** The tenant has been decommissioned; its data is gone. */
    TENANT_DECOMMISSIONED(410, 6),
    /** The tenant is not in a state that allows the operation (still provisioning, being moved, ...). */
    INVALID_STATE(409, 6),
    /** The requested isolation mode is not possible for this tenant. */
    MODE_NOT_SUPPORTED(422, 4),
    /** A database already holds as many tenant schemas as the configured limit allows. */
    SCHEMA_LIMIT_REACHED(422, 7),
    /** A T1 still has live T2 tenants and the operation was not told to cascade. */
    HAS_CHILDREN(409, 5),
    /** A destructive operation was requested without its confirmation flag. */
    CONFIRMATION_REQUIRED(400, 2),
    /** An operation on a tenant conflicts with another one in progress. */
    MOVE_CONFLICT(409, 5),
    /**
     * A lifecycle operation (create under a parent, suspend, resume, decommission, import) was
     * refused because another one is in progress on the same T1 subtree (the tenant or its parent
     * is being provisioned or decommissioned); try again when it has finished.
     */
    OPERATION_CONFLICT(409, 5),
    /** A request named a long-running operation (by id) that does not exist. */
    OPERATION_NOT_FOUND(404, 3),
    /** An export archive is unreadable, truncated, or fails its checksums. */
    ARCHIVE_CORRUPT(422, 8),
    /**
     * An import is larger than a configured bound: the upload, the whole archive inflated, one of
     * its entries inflated, or its number of entries. The message names the bound.
     */
    ARCHIVE_TOO_LARGE(413, 8),
    /** An export archive was written by a newer schema version than this Strata knows. */
    ARCHIVE_VERSION_UNSUPPORTED(422, 8),
    /** A tenant migration would weaken isolation (found on the template, before any tenant was touched). */
    MIGRATION_REFUSED(422, 13),
    /** A tenant migration failed (on the template: nothing else was touched; on a target: that target rolled back). */
    MIGRATION_FAILED(422, 13),
    /** An applied tenant migration changed since, or is missing: checksum drift, never silently re-run. */
    MIGRATION_DRIFT(409, 13),
    /** A request named a data plane that is not registered. */
    PLANE_NOT_FOUND(404, 3),
    /**
     * A tenant cannot be placed or moved where asked (no plane of the region with room, a plane
     * without {@code wal_level=logical}, a table without {@code tenant_id} in its replica identity,
     * the tenant's current placement, another region without force, ...). Nothing was changed; the
     * message says what to change.
     */
    MOVE_REFUSED(422, 14),
    /**
     * The tenant is in the short write freeze of a move's cutover and it did not end within the
     * bounded wait. Nothing was changed; retry (the tenant is served from its new place shortly).
     */
    TENANT_MOVING(503, 12),
    /** The caller's key is valid but may not do this (outside its tier's rights). */
    FORBIDDEN(403, 11),
    /** A request named an API key that does not exist (or is outside the caller's subtree). */
    KEY_NOT_FOUND(404, 3),
    /** The connection budget of a data plane is exhausted and no connection freed up in time. */
    CONNECTION_BUDGET_EXHAUSTED(503, 9),
    /** The tenant is over its concurrency limit and no slot freed up in time. */
    TENANT_THROTTLED(429, 9),
    /** Code on a tenant connection tried something that would break isolation (e.g. autocommit). */
    ISOLATION_VIOLATION(403, 10),
    /** The request carried no valid API key. */
    UNAUTHORIZED(401, 11),
    /** A REST request's method and path match no endpoint of the API. */
    ROUTE_NOT_FOUND(404, 2),
    /** A REST request's path exists but not with this method; the answer's {@code Allow} header lists those it has. */
    METHOD_NOT_ALLOWED(405, 2),
    /** Strata, or the management database it depends on, cannot be reached right now. */
    SERVICE_UNAVAILABLE(503, 12),
    /**
     * A database Strata needs for the request (the management database, or the tenant's own
     * database) does not accept connections right now: it is down, starting, shutting down, or
     * refusing connections. Nothing was changed; retry once it is back (Strata reconnects by itself).
     */
    DATABASE_UNAVAILABLE(503, 12),
    /**
     * A data plane's provider refused or failed a call (Neon's API: an error answer, an operation
     * that ended failed, a busy project or rate limit that did not clear within the bound); the
     * message names the call and the provider's answer. Nothing Strata recorded was changed by it.
     */
    DATA_PLANE_FAILED(502, 12),
    /** The configuration is contradictory or incomplete. */
    INVALID_CONFIGURATION(400, 2),
    /**
     * A database operation failed for a reason outside the caller's control (other than the
     * database being unreachable, which is {@link #DATABASE_UNAVAILABLE}).
     */
    DATABASE_ERROR(500, 1),
    /** Strata itself failed; the message says what it was doing. */
    INTERNAL(500, 1),
    // branches
    /** A T1 already has a dev branch of that name: pick another name, or delete the branch first. */
    BRANCH_EXISTS(409, 5),
    // branches
    /** The T1 has no dev branch of that name: list them with {@code strata tenants branch list}. */
    BRANCH_NOT_FOUND(404, 3),
    // branches
    /**
     * The tenant's data plane cannot do what was asked (dev branches and point-in-time restore need
     * a Neon plane; Neon restores root branches only); the message says why and what to do instead.
     * Nothing was changed.
     */
    PLANE_CANNOT(422, 4),
    /** No backup with this id, or none of the tenant at or before the moment asked for. */ // backup
    BACKUP_NOT_FOUND(404, 3),
    /**
     * A restore that cannot be done as asked: a backup of another tenant, a backup that is not
     * complete, a tenant that is moving or being restored already. Nothing was changed.
     */ // backup
    RESTORE_REFUSED(422, 14);

    private final int httpStatus;
    private final int exitCode;

    ErrorCode(int httpStatus, int exitCode) {
        this.httpStatus = httpStatus;
        this.exitCode = exitCode;
    }

    /** The HTTP status the REST API answers with for this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The process exit code the CLI ends with for this code (never 0). */
    public int exitCode() {
        return exitCode;
    }
}
