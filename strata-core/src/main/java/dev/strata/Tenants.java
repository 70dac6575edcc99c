package dev.strata;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The tenant registry: create tenants, look them up, and move them through their life cycle.
 * Obtained from {@link Strata#tenants()}; thread-safe.
 *
 * <p>Tenants are named by a key that is either their id (a UUID) or their slug. Every method that
 * fails for bad input throws a {@link StrataException} with a specific {@link ErrorCode} and has
 * changed nothing.
 */
public interface Tenants {

    /**
     * Registers a tenant and provisions its storage in its isolation mode (a database from the
     * template, a schema, or a place in its T1's shared tables). Returns once the tenant is active.
     *
     * @throws StrataException {@link ErrorCode#INVALID_SLUG}, {@link ErrorCode#DUPLICATE_SLUG},
     *         {@link ErrorCode#INVALID_HIERARCHY}, {@link ErrorCode#TENANT_NOT_FOUND} (parent),
     *         {@link ErrorCode#TENANT_SUSPENDED} (parent), {@link ErrorCode#OPERATION_CONFLICT} (parent
     *         being decommissioned), {@link ErrorCode#SCHEMA_LIMIT_REACHED}, ...
     */
    Tenant create(NewTenant request);

    /** The tenant with this id or slug (a decommissioned one only if no live tenant has the slug). */
    Tenant get(String key);

    /** The tenant with this id. */
    Tenant get(UUID id);

    /** Every tenant, the T0 first, then T1s and T2s, including decommissioned ones. */
    List<Tenant> list();

    /** The T0 operator. */
    Tenant operator();

    /**
     * Stops all work for a tenant (and, for a T1, its T2s) until {@link #resume}; idempotent.
     * Refused with {@link ErrorCode#OPERATION_CONFLICT} while the tenant is being decommissioned.
     */
    Tenant suspend(String key);

    /**
     * Lets a suspended tenant work again; idempotent. Refused with {@link ErrorCode#OPERATION_CONFLICT}
     * while the tenant is being decommissioned, {@link ErrorCode#TENANT_DECOMMISSIONED} after.
     */
    Tenant resume(String key);

    /**
     * Removes a tenant's data in its mode (drops its database, drops its schema, or deletes its
     * rows) and marks it decommissioned; its registry row and audit trail stay. The tenant (with
     * its T2s in a cascade) is first marked {@code decommissioning}, which refuses new work, new
     * children and resumes; transactions already in flight get
     * {@link StrataConfig#decommissionDrainTimeout()} to end before the sessions holding the
     * removal up are ended. If the removal fails the tenant stays {@code decommissioning} and
     * calling this again finishes it.
     *
     * @param cascade also decommission a T1's live T2s; without it a T1 with live T2s is refused
     *                with {@link ErrorCode#HAS_CHILDREN}
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} while another process works on
     *         its decommissioning, or while one of its T2s is being provisioned or decommissioned
     */
    Tenant decommission(String key, boolean cascade);

    /** The tenant's audit trail, oldest first. */
    List<TenantEvent> history(String key);

    /**
     * The limits a tenant runs with: its own (set by {@link #setLimits}) or else its tier's from
     * {@link StrataConfig#tierLimits()}.
     */
    TenantLimits limits(String key);

    /**
     * The limits a tenant was given by {@link #setLimits}, or empty if it runs with its tier's
     * ({@link StrataConfig#limitsFor}); {@link #limits} is this or else its tier's.
     */
    Optional<TenantLimits> ownLimits(String key);

    /**
     * Gives a tenant limits of its own, replacing its tier's: concurrent transactions (per
     * process), how long a caller waits for a slot, and {@code statement_timeout}. They apply to
     * its next transaction in every process. Recorded in its history.
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND}, {@link ErrorCode#INVALID_HIERARCHY}
     *         (the T0), {@link ErrorCode#TENANT_DECOMMISSIONED}
     */
    TenantLimits setLimits(String key, TenantLimits limits);

    /** Returns a tenant to its tier's limits; returns them. Recorded in its history. */
    TenantLimits clearLimits(String key);

    /**
     * Where the tenant's app schema stands against the application's migrations: its version, what
     * is pending, and whether it is behind what its T1 expects (the newest migration found, or its
     * T1's database if that is newer). Reads the tenant's database; changes nothing.
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND}; {@link ErrorCode#INVALID_ARGUMENT} for the T0
     */
    dev.strata.migration.TenantSchemaStatus schemaStatus(String key);

    /**
     * Moves a tenant online to another isolation mode, database or data plane (a T1 in database
     * mode carries the T2s living in its database; a T1's RLS-mode T2s move with it). The tenant
     * keeps working: its rows are copied and its changes captured while it writes, then its new
     * transactions wait for a short cutover (at most {@link MoveRequest#freezeWait()}, then
     * {@link ErrorCode#TENANT_MOVING}) while the last changes are applied, every table is verified
     * and the routing flips in every process; the source is removed only after that. Other tenants
     * are not affected. Journalled as an {@link OperationKind#MOVE} operation: follow it, resume or
     * abort it with {@link Strata#operations()}.
     *
     * @return the operation, ended if {@link MoveRequest#awaitEnd()}, else as it started
     * @throws StrataException {@link ErrorCode#MOVE_REFUSED} (the current placement, a path the tier
     *                         cannot take, a source that cannot be captured, another region),
     *                         {@link ErrorCode#PLANE_NOT_FOUND}, {@link ErrorCode#TENANT_NOT_FOUND},
     *                         {@link ErrorCode#TENANT_SUSPENDED}, {@link ErrorCode#TENANT_DECOMMISSIONED},
     *                         {@link ErrorCode#LIFECYCLE_CONFLICT} (another operation on its subtree);
     *                         a refused move changes nothing
     */
    OperationInfo move(String key, MoveRequest request);

    /**
     * Restores a tenant's data. With {@link RestoreRequest#to()} on a plane that keeps a history
     * (Neon), the plane's point-in-time restore runs; on any other plane the tenant is restored from
     * its newest complete backup taken at or before that moment, and the result's message says so
     * ("this plane has no point-in-time history"). With {@link RestoreRequest#backup()} that backup
     * is restored. A restore from a backup is journalled as a {@link OperationKind#RESTORE}
     * operation: the tenant is suspended for the swap, its rows (only its own) are replaced with the
     * archive's in one transaction and verified against the archive's checksums, then it is resumed
     * if it was active. Other tenants are not touched.
     *
     * @throws StrataException {@link ErrorCode#BACKUP_NOT_FOUND} (unknown id, none at or before the
     *         moment), {@link ErrorCode#RESTORE_REFUSED} (a backup of another tenant, not complete, the
     *         tenant moving), {@link ErrorCode#ARCHIVE_CORRUPT} (the file does not match its checksum),
     *         {@link ErrorCode#TENANT_DECOMMISSIONED}, {@link ErrorCode#TENANT_NOT_FOUND}; a refused
     *         restore changes nothing
     */
    RestoreResult restore(String key, RestoreRequest request);

    /** A view of this registry that records {@code actor} as the author of its changes. */
    Tenants actingAs(String actor);
}
