package dev.strata;

import java.time.Instant;
import java.util.UUID;

/**
 * How a restore went. Immutable and thread-safe.
 *
 * @param operation      the journalled {@link OperationKind#RESTORE} operation (or the plane's own
 *                       point-in-time restore operation)
 * @param pointInTime    whether the plane's own history was used (Neon); {@code false} for a
 *                       restore from a backup
 * @param backup         the backup restored, or {@code null} for a point-in-time restore
 * @param backupTakenAt  when that backup was taken, or {@code null}
 * @param preserved      the backup holding the state before the restore ({@link RestoreRequest#preserveAs}),
 *                       or {@code null}
 * @param finished       whether the restore has ended (a point-in-time restore may still run)
 * @param message        one sentence for people, saying plainly which of the two it was
 */
public record RestoreResult(UUID operation, boolean pointInTime, UUID backup, Instant backupTakenAt, UUID preserved,
                            boolean finished, String message) {
}
