package dev.strata.migration;

/**
 * Receives the progress of a fan-out as targets finish. Called from the fan-out's worker threads,
 * one call at a time; must not block.
 */
@FunctionalInterface
public interface MigrationProgress {
    /** Nothing to report. */
    MigrationProgress NONE = (done, total, failed) -> { };

    /**
     * @param done   targets finished so far (migrated, already current, or failed)
     * @param total  targets in this run
     * @param failed targets that failed so far
     */
    void progressed(int done, int total, int failed);
}
