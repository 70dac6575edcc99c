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
 * Thread-safe.
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
    private volatile boolean lost;

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

    synchronized void migrated(AppSchema target, String from, String to) {
        migrated++;
        done++;
        unsaved.add(new MigrationJournal.Outcome(target, false, from, to, null));
        report();
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
        int d;
        int t;
        int f;
        synchronized (this) {
            batch = List.copyOf(unsaved);
            unsaved.clear();
            d = done;
            t = total;
            f = failed;
        }
        try {
            if (!journal.record(run, d, t, f, batch)) {
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
        synchronized (this) {
            batch = List.copyOf(unsaved);
            unsaved.clear();
        }
        journal.finish(run, done(), total(), failedCount(), batch, error);
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
