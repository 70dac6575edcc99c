package dev.strata.migration;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The outcome of one {@link SchemaMigrations#apply} run.
 *
 * @param operation the operation that journaled the run ({@code strata operations show <id>})
 * @param total     targets in the run
 * @param migrated  targets that had pending migrations and now have none
 * @param upToDate  targets that had nothing pending
 * @param failed    targets that failed (each rolled back to where it was; the others went on)
 * @param failures  the failed targets with their errors
 * @param elapsed   wall time of the run
 */
public record MigrationRun(UUID operation, int total, int migrated, int upToDate, int failed,
                           List<MigrationTarget> failures, Duration elapsed) {
    public MigrationRun {
        failures = List.copyOf(failures);
    }

    /** Whether every target is now at the newest version. */
    public boolean succeeded() {
        return failed == 0;
    }
}
