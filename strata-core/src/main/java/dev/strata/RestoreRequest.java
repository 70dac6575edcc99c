package dev.strata;

import dev.strata.internal.registry.TenantRules;

import java.time.Instant;
import java.util.UUID;

/**
 * What to restore a tenant to ({@link Tenants#restore}): one backup by id, or a moment. Immutable,
 * validated on construction; thread-safe.
 *
 * <p>A moment goes to the point-in-time restore of the tenant's plane when it keeps a history
 * (Neon); on any other plane the tenant is restored from its newest backup taken at or before the
 * moment, and the result says so: that is never a point-in-time restore.
 *
 * @param backup     the backup to restore, or {@code null} when {@code to} is given
 * @param to         the moment to restore to, or {@code null} when {@code backup} is given
 * @param preserveAs a name under which the tenant's state before the restore is kept (a backup on a
 *                   local plane, a branch on Neon), or {@code null} to keep nothing
 */
public record RestoreRequest(UUID backup, Instant to, String preserveAs) {

    public RestoreRequest {
        if ((backup == null) == (to == null)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "A restore names either one backup (--backup ID) or one moment (--to TIMESTAMP), not "
                            + (backup == null ? "neither" : "both"));
        }
        if (preserveAs != null) {
            preserveAs = preserveAs.strip();
            if (!preserveAs.matches("[a-z][a-z0-9-]{0,62}")) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The name to preserve the current state as ('"
                        + TenantRules.printable(preserveAs) + "') must be 1-63 characters of a-z, 0-9 and '-', "
                        + "starting with a letter");
            }
        }
    }

    /** Restore this backup. */
    public static RestoreRequest fromBackup(UUID backup) {
        return new RestoreRequest(backup, null, null);
    }

    /** Restore to this moment (see the class comment for what that means on each kind of plane). */
    public static RestoreRequest toMoment(Instant to) {
        return new RestoreRequest(null, to, null);
    }

    /** The same request, keeping the state before the restore under {@code name}. */
    public RestoreRequest preservingAs(String name) {
        return new RestoreRequest(backup, to, name);
    }
}
