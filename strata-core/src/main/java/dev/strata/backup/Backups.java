package dev.strata.backup;

import java.util.List;
import java.util.Optional;

/**
 * A tenant's backups: tenant archives (the export format, with a SHA-256 of the file) written to
 * one backup directory and recorded in the management database. Obtained from
 * {@link dev.strata.Strata#backups(java.nio.file.Path)}; thread-safe.
 *
 * <p>Files are written {@code 0600} in a directory made {@code 0700}. A backup of a tenant holds
 * that tenant's rows only (as its export does).
 */
public interface Backups {

    /**
     * Takes a backup now and returns it complete.
     *
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#TENANT_NOT_FOUND}, {@link dev.strata.ErrorCode#INVALID_HIERARCHY}
     *         (the T0), {@link dev.strata.ErrorCode#TENANT_DECOMMISSIONED}, ...; a failed backup is recorded as failed
     */
    BackupInfo take(String tenantKey);

    /** The tenant's backups, newest first, failed ones included (deleted ones not). */
    List<BackupInfo> list(String tenantKey);

    /** One backup by id. @throws dev.strata.StrataException {@link dev.strata.ErrorCode#BACKUP_NOT_FOUND} */
    BackupInfo get(java.util.UUID backupId);

    /** Sets (or replaces) the tenant's schedule; the first scheduled backup is due one period from now. */
    BackupSchedule schedule(String tenantKey, BackupSchedule schedule);

    /** Removes the tenant's schedule (its backups stay); idempotent. */
    void unschedule(String tenantKey);

    /** The tenant's schedule, if it has one. */
    Optional<BackupSchedule> scheduleOf(String tenantKey);

    /**
     * Takes every scheduled backup that is due, each claimed so that no two processes take the same
     * one; a failed one is recorded with its error and tried again a period later. Returns the
     * backups taken (failed ones included). {@code strata serve} calls this every few seconds.
     */
    List<BackupInfo> runDue();

    /**
     * Runs {@link #runDue} every {@code checkEvery} on the engine's housekeeping thread until the
     * handle is closed (or Strata is); a failing run is logged and the next one happens anyway.
     * {@code strata serve} starts one.
     */
    AutoCloseable startScheduler(java.time.Duration checkEvery);
}
