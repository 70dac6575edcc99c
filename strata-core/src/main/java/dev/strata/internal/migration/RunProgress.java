package dev.strata.internal.migration;

import dev.strata.migration.MigrationProgress;
import dev.strata.migration.MigrationTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The tally of one run: targets done, migrated, up to date and failed, reported to the caller's
 * {@link MigrationProgress} one call at a time, and persisted in batches ({@link #flush}) with the
 * outcome of every target migrated or failed, so a management write costs nothing per target.
 * Also how each migrated target was checked ({@link Tally}): accepted because it matched its
 * template, or under every check. Thread-safe.
 */
final class RunProgress {
    private static final Logger LOG = LoggerFactory.getLogger(RunProgress.class);

    private final UUID run;
    private final MigrationJournal journal;
    private final MigrationProgress listener;
    private final List<MigrationJournal.Outcome> unsaved = new ArrayList<>();
    private final List<MigrationTarget> failures = new ArrayList<>();
    private int total;
    private int done;
    private int migrated;
    private int upToDate;
    private int failed;
    private int matchedTemplate;
    private int fullyChecked;
    private int differed;
    private volatile boolean lost;

    /**
     * The counts persisted with a run (its journalled progress, {@link dev.strata.OperationInfo#report()}
     * beyond {@code done}/{@code total}).
     *
     * @param matchedTemplate targets migrated and accepted because they then matched their migrated
     *                        template ({@link SchemaMigrator#migrateLikeTemplate})
     * @param fullyChecked    targets migrated under every check ({@link SchemaMigrator#migrate}): the
     *                        templates, targets without a template to compare with, targets that differed
     * @param differed        targets compared with their template that did not match it (each was
     *                        rolled back and migrated again under every check, or failed)
     */
    record Tally(int done, int total, int failed, int matchedTemplate, int fullyChecked, int differed) {
    }

    RunProgress(UUID run, MigrationJournal journal, MigrationProgress listener) {
        this.run = run;
        this.journal = journal;
        this.listener = listener;
    }

    synchronized void addTotal(int targets) {
        total += targets;
        report();
    }

    synchronized void upToDate(int targets) {
        if (targets == 0) {
            return;
        }
        upToDate += targets;
        done += targets;
        report();
    }

    /**
     * A target migrated; {@code matchedTemplate}: accepted because it matched its template, else
     * under every check.
     */
    synchronized void migrated(AppSchema target, String from, String to, boolean matchedTemplate) {
        migrated++;
        done++;
        if (matchedTemplate) {
            this.matchedTemplate++;
        } else {
            fullyChecked++;
        }
        unsaved.add(new MigrationJournal.Outcome(target, false, from, to, null));
        report();
    }

    /** A target compared with its template did not match it (it is migrated again under every check). */
    synchronized void differed() {
        differed++;
    }

    synchronized void failed(AppSchema target, String version, List<String> pending, String error) {
        failed++;
        done++;
        unsaved.add(new MigrationJournal.Outcome(target, true, version, version, error));
        failures.add(new MigrationTarget(target.name(), target.kind(), target.tenant(), version, pending, error));
        report();
    }

    private void report() {
        try {
            listener.progressed(done, total, failed);
        } catch (RuntimeException e) {
            LOG.warn("A migration progress listener failed: {}", e.toString());
        }
    }

    /**
     * Persists progress and the outcomes not saved yet; a failed write keeps them for the next.
     * Sets {@link #lost()} if this process no longer owns the run.
     */
    void flush() {
        List<MigrationJournal.Outcome> batch;
        Tally tally;
        synchronized (this) {
            batch = List.copyOf(unsaved);
            unsaved.clear();
            tally = tally();
        }
        try {
            if (!journal.record(run, tally, batch)) {
                lost = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not record the progress of migration run {} (retried at the next write): {}", run, e.getMessage());
            synchronized (this) {
                unsaved.addAll(0, batch);
            }
        }
    }

    /** Records the rest and closes the run. */
    void finish(String error) {
        List<MigrationJournal.Outcome> batch;
        Tally tally;
        synchronized (this) {
            batch = List.copyOf(unsaved);
            unsaved.clear();
            tally = tally();
        }
        journal.finish(run, tally, batch, error);
    }

    /** The counts now. */
    synchronized Tally tally() {
        return new Tally(done, total, failed, matchedTemplate, fullyChecked, differed);
    }

    /** Whether another process took the run over (this one must stop). */
    boolean lost() {
        return lost;
    }

    synchronized int total() {
        return total;
    }

    synchronized int done() {
        return done;
    }

    synchronized int migratedCount() {
        return migrated;
    }

    synchronized int upToDateCount() {
        return upToDate;
    }

    synchronized int failedCount() {
        return failed;
    }

    synchronized List<MigrationTarget> failures() {
        return List.copyOf(failures);
    }
}
