package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationJournal;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.SqlStates;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The fan-out's side of the operations journal: a run is an operation of kind {@code migrate}
 * without a tenant, owned by one process under a lease; at most one is running per installation
 * (a unique index, so two processes cannot both open one). Its progress and the outcome of every
 * target it migrated or failed ({@code platform.migration_targets}) are written in batches, fenced
 * by ownership: a process whose run was taken over learns it at its next write. Thread-safe.
 */
final class MigrationJournal {
    static final OperationKind KIND = OperationKind.MIGRATE;
    private static final String ONE_RUNNING = "operations_one_running_migration";

    /** A run this process now owns: new, or an interrupted one taken over ({@code resumed}). */
    record Claimed(UUID id, boolean resumed, String detailJson) {
    }

    /** What happened to one target. */
    record Outcome(AppSchema target, boolean failed, String fromVersion, String toVersion, String error) {
    }

    private final DataSource management;
    private final OperationJournal journal;

    MigrationJournal(DataSource management, OperationJournal journal) {
        this.management = management;
        this.journal = journal;
    }

    OperationJournal operations() {
        return journal;
    }

    /**
     * Takes over the interrupted run (running, lease expired) if there is one, else opens a new run.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} while another run is live
     */
    Claimed open(String detailJson) {
        Optional<Claimed> interrupted = claimInterrupted();
        if (interrupted.isPresent()) {
            return interrupted.get();
        }
        try {
            UUID id = Jdbc.inTransaction(management, "open a migration run", c -> journal.begin(c, KIND, null, detailJson));
            return new Claimed(id, false, detailJson);
        } catch (StrataException e) {
            if (ONE_RUNNING.equals(SqlStates.constraint(e))) {
                throw conflict();
            }
            throw e;
        }
    }

    /** Takes over a run whose owner died or gave it up (its lease expired), if there is one. */
    Optional<Claimed> claimInterrupted() {
        return journal.claimExpired(List.of(KIND), Set.of()).map(MigrationJournal::claimed);
    }

    /** A run the operations runner claimed for this process (recovery, an operator's resume). */
    static Claimed claimed(JournalEntry entry) {
        return new Claimed(entry.id(), true, entry.detailJson());
    }

    private StrataException conflict() {
        String which = Jdbc.withConnection(management, "read the live migration run", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT id, owner FROM platform.operations WHERE kind = ? AND state = 'running'""")) {
                ps.setString(1, KIND.wireName());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? "operation " + rs.getString(1) + ", owned by " + rs.getString(2) : "another run";
                }
            }
        });
        return new StrataException(ErrorCode.OPERATION_CONFLICT, "A migration run is already in progress (" + which
                + "): wait until it finishes (strata operations show <id>) and apply again; its owner keeps it while it lives, "
                + "and it is resumed by the next apply only once its lease has expired");
    }

    /**
     * Writes progress and outcomes and renews the lease, in one transaction, only while this
     * process owns the run.
     *
     * @return whether it still owns the run
     */
    boolean record(UUID run, RunProgress.Tally tally, List<Outcome> outcomes) {
        return Jdbc.inTransaction(management, "record migration progress", c -> {
            if (!writeProgress(c, run, tally)) {
                return false;
            }
            writeOutcomes(c, run, outcomes);
            return true;
        });
    }

    /**
     * Records the last outcomes and closes the run: {@code succeeded} if no target failed, else
     * {@code failed} (the failed targets can be applied again).
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if this process no longer owns it
     */
    void finish(UUID run, RunProgress.Tally tally, List<Outcome> outcomes, String error) {
        int failed = tally.failed();
        int total = tally.total();
        Jdbc.useTransaction(management, "close the migration run", c -> {
            if (!writeProgress(c, run, tally)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Migration run " + run
                        + " is no longer owned by this process (its lease expired and another process took it over)");
            }
            writeOutcomes(c, run, outcomes);
            journal.finish(c, run, error == null && failed == 0 ? OperationState.SUCCEEDED : OperationState.FAILED,
                    error != null ? error : failed == 0 ? null : failed + " of " + total + " targets failed");
        });
    }

    /**
     * The run's progress: {@code done}, {@code total}, {@code failed}, and how the migrated targets
     * were checked ({@code matched_template}, {@code fully_checked}, {@code differed}: {@link RunProgress.Tally}).
     */
    private boolean writeProgress(Connection c, UUID run, RunProgress.Tally tally) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE platform.operations
                   SET progress = jsonb_build_object('done', ?::int, 'total', ?::int, 'failed', ?::int,
                                                     'matched_template', ?::int, 'fully_checked', ?::int,
                                                     'differed', ?::int),
                       lease_expires_at = now() + ?::interval
                 WHERE id = ? AND owner = ? AND state = 'running'""")) {
            ps.setInt(1, tally.done());
            ps.setInt(2, tally.total());
            ps.setInt(3, tally.failed());
            ps.setInt(4, tally.matchedTemplate());
            ps.setInt(5, tally.fullyChecked());
            ps.setInt(6, tally.differed());
            ps.setString(7, journal.lease().toMillis() + " milliseconds");
            ps.setObject(8, run);
            ps.setString(9, journal.owner());
            return ps.executeUpdate() == 1;
        }
    }

    private static void writeOutcomes(Connection c, UUID run, List<Outcome> outcomes) throws SQLException {
        if (outcomes.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO platform.migration_targets
                       (operation_id, target, kind, tenant_id, outcome, from_version, to_version, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (operation_id, target) DO UPDATE
                   SET outcome = EXCLUDED.outcome, from_version = EXCLUDED.from_version,
                       to_version = EXCLUDED.to_version, error = EXCLUDED.error, finished_at = now()""")) {
            for (Outcome o : outcomes) {
                ps.setObject(1, run);
                ps.setString(2, o.target().name());
                ps.setString(3, o.target().kind().wireName());
                ps.setObject(4, o.target().tenant());
                ps.setString(5, o.failed() ? "failed" : "migrated");
                ps.setString(6, o.fromVersion());
                ps.setString(7, o.toVersion());
                ps.setString(8, o.error());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Why the newest attempt on each target failed, for the targets whose newest outcome is a failure. */
    Map<String, String> lastErrors() {
        return Jdbc.withConnection(management, "read migration failures", c -> {
            Map<String, String> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT DISTINCT ON (target) target, outcome, error FROM platform.migration_targets
                     ORDER BY target, finished_at DESC""");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if ("failed".equals(rs.getString(2))) {
                        out.put(rs.getString(1), rs.getString(3));
                    }
                }
            }
            return out;
        });
    }
}
