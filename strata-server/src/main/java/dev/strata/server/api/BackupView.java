package dev.strata.server.api;

import dev.strata.RestoreResult;
import dev.strata.Tenant;
import dev.strata.backup.BackupInfo;
import dev.strata.backup.BackupSchedule;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A backup as the REST API shows it. The file's path is shown to operator keys only (it names the
 * server's file system); {@code error} is the reason of a failed one; {@code part_of} names the T1's
 * backup that an RLS-mode T2's was taken with.
 */
public record BackupView(UUID id, UUID tenantId, Instant takenAt, String status, String trigger, String label,
                         long sizeBytes, String sha256, String path, String error, UUID partOf) {

    static BackupView of(BackupInfo b, boolean showPath) {
        return new BackupView(b.id(), b.tenantId(), b.takenAt(), b.status().wireName(), b.trigger(), b.label(),
                b.sizeBytes(), b.sha256(), showPath && b.path() != null ? b.path().toString() : null, b.error(), b.partOf());
    }

    /** A tenant's schedule: every {@code every_seconds}, keeping {@code keep}, next due at {@code next_due}. */
    public record ScheduleView(long everySeconds, String every, int keep, Instant nextDue, String lastError) {
        static ScheduleView of(BackupSchedule s) {
            return new ScheduleView(s.every().toSeconds(), DurationText.format(s.every()), s.keep(), s.nextDue(), s.lastError());
        }
    }

    /** Answer of {@code GET /v1/tenants/{key}/backups} and of the schedule's PUT and DELETE. */
    public record ListView(UUID tenantId, String slug, ScheduleView schedule, List<BackupView> backups) {
        static ListView of(Tenant t, BackupSchedule schedule, List<BackupView> backups) {
            return new ListView(t.id(), t.slug(), schedule == null ? null : ScheduleView.of(schedule), backups);
        }
    }

    /** Answer of {@code POST /v1/tenants/{key}/restore}. */
    public record RestoreView(UUID operation, UUID tenantId, String slug, boolean pointInTime, UUID backup,
                              Instant backupTakenAt, UUID preserved, boolean finished, String message) {
        static RestoreView of(Tenant t, RestoreResult r) {
            return new RestoreView(r.operation(), t.id(), t.slug(), r.pointInTime(), r.backup(), r.backupTakenAt(),
                    r.preserved(), r.finished(), r.message());
        }
    }
}
