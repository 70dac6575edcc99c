package dev.strata.backup;

import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

/**
 * One backup of a tenant as recorded. Immutable and thread-safe.
 *
 * @param id         the backup's id ({@code strata tenants restore --backup ID})
 * @param tenantId   the tenant backed up
 * @param takenAt    when the archive's snapshot was taken (its data is exactly the tenant's at that moment)
 * @param status     complete, failed, taking or deleted
 * @param trigger    {@code on_demand}, {@code scheduled} or {@code preserve} (kept before a restore)
 * @param label      the name given ({@code --preserve-as}), or {@code null}
 * @param sizeBytes  the archive file's size, or 0 if it was not written
 * @param sha256     the archive file's SHA-256 (hex), checked again before a restore; {@code null} if not written
 * @param path       where the archive file is, or {@code null}
 * @param error      why it failed, or {@code null}
 * @param partOf     for the backup of an RLS-mode T2 taken with its T1's, the T1's backup; else {@code null}
 */
public record BackupInfo(UUID id, UUID tenantId, Instant takenAt, BackupStatus status, String trigger, String label,
                         long sizeBytes, String sha256, Path path, String error, UUID partOf) {
}
