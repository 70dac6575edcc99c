package dev.strata.migration;

import java.util.List;
import java.util.Optional;

/**
 * The application's tenant migrations across every app schema. Thread-safe; one fan-out runs at a
 * time per installation (a second {@link #apply} fails with
 * {@link dev.strata.ErrorCode#OPERATION_CONFLICT} while one is live).
 */
public interface SchemaMigrations {
    /** The newest version among the migrations found, empty if there are none. */
    Optional<String> latestVersion();

    /** Every target and where it stands; changes nothing. */
    List<MigrationTarget> status();

    /**
     * Migrates the template first (a migration that fails or weakens isolation there touches no
     * tenant and fails the run with {@link dev.strata.ErrorCode#MIGRATION_REFUSED} or
     * {@link dev.strata.ErrorCode#MIGRATION_FAILED}), then every target with pending migrations,
     * each in a transaction of its own. A failing target does not stop the others; it is
     * reported in the result and can be retried alone. Journaled as an operation: an
     * interrupted run is resumed where it stopped.
     */
    MigrationRun apply(ApplyRequest request);

    /**
     * Starts a run like {@link #apply} on a thread of this process and returns at once with its
     * operation. Bad input and a live run are refused here, before anything starts (the same
     * {@link dev.strata.StrataException}s as {@link #apply}); the run's progress goes to the
     * request's listener and the operation's journal, its outcome to {@link StartedRun#outcome()}.
     */
    StartedRun start(ApplyRequest request);

    /** Applied migrations whose checksum differs from the one found, or that are missing; changes nothing. */
    List<MigrationDrift> validate();
}
