package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.time.Duration;
import java.time.Instant;

/**
 * A tenant's backup schedule: a backup every {@code every}, keeping the newest {@code keep}
 * complete ones. Immutable, validated on construction; thread-safe.
 *
 * @param every   the period, at least {@link #MINIMUM_PERIOD}
 * @param keep    how many complete backups of the tenant to keep (older ones are deleted, file and
 *                record), at least 1
 * @param nextDue when the next scheduled backup is due; {@code null} when asking for a schedule
 *                (the first one is then due one period from now)
 * @param lastError the error of the last scheduled backup if it failed, else {@code null}
 */
public record BackupSchedule(Duration every, int keep, Instant nextDue, String lastError) {
    /** The shortest period a schedule may have. */
    public static final Duration MINIMUM_PERIOD = Duration.ofMinutes(1);
    /** The number of backups kept when none is given. */
    public static final int DEFAULT_KEEP = 7;

    public BackupSchedule {
        if (every == null || every.compareTo(MINIMUM_PERIOD) < 0) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A backup schedule's period must be at least "
                    + MINIMUM_PERIOD.toMinutes() + " minute (e.g. --every 6h), not " + every);
        }
        if (keep < 1 || keep > 10_000) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A backup schedule keeps 1 to 10000 backups (--keep N), not " + keep);
        }
    }

    /** A backup every {@code every}, keeping the newest {@code keep}. */
    public static BackupSchedule every(Duration every, int keep) {
        return new BackupSchedule(every, keep, null, null);
    }
}
