package dev.strata.internal.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.operation.MigrateStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import dev.strata.migration.MigrationProgress;
import dev.strata.migration.MigrationRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one claimed migration run: the template of every data plane first (a failure or refusal
 * there fails the run and touches nothing else), then every target with pending migrations, each
 * in a transaction of its own, on one administrator connection per database reused for all its
 * targets, databases in parallel (at most the requested concurrency, at most half the data plane's
 * connection budget, so the request path keeps its share). A database with many pending schemas
 * is split so several connections work on it. A failing target does not stop the others.
 * Thread-safe; one instance serves every run of the process.
 */
final class FanOutRunner {
    private static final Logger LOG = LoggerFactory.getLogger(FanOutRunner.class);
    /** A database's pending targets are split into pieces of at least this many for other workers. */
    private static final int MIN_SPLIT = 32;
    private static final long FLUSH_MILLIS = 250;

    private final DataSource management;
    private final Map<String, DataPlane> planes;
    private final PhysicalNames names;
    private final TenantMigrationSet set;
    private final SchemaMigrator migrator;
    private final TenantPools pools;
    private final MigrationJournal journal;
    private final int connectionBudget;
    private final Duration connectionTimeout;
    private final ScheduledExecutorService flusher;

    FanOutRunner(DataSource management, Map<String, DataPlane> planes, PhysicalNames names, TenantMigrationSet set,
                 SchemaMigrator migrator, TenantPools pools, MigrationJournal journal,
                 int connectionBudget, Duration connectionTimeout, ScheduledExecutorService flusher) {
        this.management = management;
        this.planes = planes;
        this.names = names;
        this.set = set;
        this.migrator = migrator;
        this.pools = pools;
        this.journal = journal;
        this.connectionBudget = connectionBudget;
        this.connectionTimeout = connectionTimeout;
        this.flusher = flusher;
    }

    /** The workers a run gets: the request's concurrency within half the connection budget. */
    int workers(int requested) {
        return Math.max(1, Math.min(requested, connectionBudget / 2));
    }

    /**
     * Runs the claimed run to its end and closes it, working under {@code operation} (this
     * process's tracking of the run: its lease is renewed while it is open; the caller closes it).
     *
     * @param targets the target names to migrate, empty for all
     * @throws StrataException {@link ErrorCode#MIGRATION_REFUSED} or {@link ErrorCode#MIGRATION_FAILED}
     *         if a template could not be migrated (no other target was touched),
     *         {@link ErrorCode#OPERATION_CONFLICT} if another process took the run over
     */
    MigrationRun run(MigrationJournal.Claimed claimed, RunningOperation operation, Set<String> targets, int concurrency,
                     MigrationProgress listener) {
        long started = System.nanoTime();
        RunProgress progress = new RunProgress(claimed.id(), journal, listener);
        if (claimed.resumed()) {
            LOG.warn("Resuming interrupted migration run {}", claimed.id());
        }
        {
            var flushing = flusher.scheduleWithFixedDelay(progress::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
            try {
                Map<String, SchemaFingerprint.Snapshot> templates = new ConcurrentHashMap<>();
                try {
                    operation.step(MigrateStep.TEMPLATE, () -> migrateTemplates(progress, templates));
                } catch (RuntimeException e) {
                    flushing.cancel(false);
                    StrataException failure = templateFailure(e);
                    try {
                        progress.finish(failure.getMessage());
                    } catch (RuntimeException closing) {
                        failure.addSuppressed(closing);
                    }
                    throw failure;
                }
                operation.step(MigrateStep.TARGET, () -> fanOut(progress, targets, workers(concurrency), templates));
            } finally {
                flushing.cancel(false);
            }
            if (progress.lost()) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Migration run " + claimed.id()
                        + " was taken over by another process; this process stopped working on it");
            }
            progress.finish(null);
        }
        MigrationRun run = new MigrationRun(claimed.id(), progress.total(), progress.migratedCount(),
                progress.upToDateCount(), progress.failedCount(), progress.failures(),
                Duration.ofNanos(System.nanoTime() - started));
        LOG.info("Migration run {}: {} targets, {} migrated, {} up to date, {} failed in {} ms", run.operation(), run.total(),
                run.migrated(), run.upToDate(), run.failed(), run.elapsed().toMillis());
        return run;
    }

    private static StrataException templateFailure(RuntimeException e) {
        if (e instanceof StrataException se && (se.code() == ErrorCode.MIGRATION_REFUSED || se.code() == ErrorCode.MIGRATION_FAILED
                || se.code() == ErrorCode.OPERATION_CONFLICT)) {
            return se;
        }
        return new StrataException(ErrorCode.MIGRATION_FAILED, "The template could not be migrated, so no tenant was touched: "
                + SqlStates.rootMessage(e), e);
    }

    // ---------------------------------------------------------------- templates

    /**
     * Migrates every data plane's template under every check, and keeps what each looks like
     * afterwards in {@code templates}: what the plane's tenant targets are compared with.
     */
    private void migrateTemplates(RunProgress progress, Map<String, SchemaFingerprint.Snapshot> templates)
            throws SQLException {
        for (DataPlane plane : planes.values()) {
            AppSchema template = TargetDiscovery.template(plane.key(), names);
            progress.addTotal(1);
            TemplateAccess.with(plane, names, c -> {
                c.setAutoCommit(false);
                PendingDetection.TargetState state = PendingDetection.detect(c,
                        List.of(new TargetDiscovery.Candidate(template, false)), set).get(0);
                if (state.pending().isEmpty()) {
                    c.commit();
                    progress.upToDate(1);
                    keepSnapshot(c, plane, template, templates);
                    return null;
                }
                try {
                    migrator.migrate(c, template, state.pending());
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollBack(c);
                    progress.failed(template, state.version(), state.pendingVersions(), message(e));
                    throw e;
                }
                progress.migrated(template, state.version(), newest(state), false);
                LOG.info("Migrated template {} from version {} to {}", template.name(), state.version(), newest(state));
                keepSnapshot(c, plane, template, templates);
                return null;
            });
        }
    }

    /** Reads the migrated template's snapshot; without one, the plane's targets all get every check. */
    private void keepSnapshot(java.sql.Connection c, DataPlane plane, AppSchema template,
                              Map<String, SchemaFingerprint.Snapshot> templates) {
        try {
            templates.put(plane.key(), migrator.snapshot(c, template.schema()));
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollBack(c);
            LOG.warn("Could not read what template {} looks like ({}): its tenant targets get every check", template.name(),
                    message(e));
        }
    }

    // ---------------------------------------------------------------- fan-out

    /** A piece of work: a database's targets, with their state once detected. */
    private record Unit(TargetDiscovery.DatabaseTargets database, List<PendingDetection.TargetState> states) {
    }

    private void fanOut(RunProgress progress, Set<String> targets, int workers,
                        Map<String, SchemaFingerprint.Snapshot> templates) throws SQLException {
        List<TargetDiscovery.DatabaseTargets> databases = Jdbc.withConnection(management, "find the migration targets",
                TargetDiscovery::discover);
        ConcurrentLinkedDeque<Unit> queue = new ConcurrentLinkedDeque<>();
        int count = 0;
        for (TargetDiscovery.DatabaseTargets db : databases) {
            TargetDiscovery.DatabaseTargets chosen = targets.isEmpty() ? db : db.only(targets);
            if (!chosen.candidates().isEmpty()) {
                queue.add(new Unit(chosen, null));
                count += chosen.candidates().size();
            }
        }
        progress.addTotal(count);
        AtomicInteger unfinished = new AtomicInteger(queue.size());
        int threads = Math.max(1, Math.min(workers, Math.max(queue.size(), 1) * 4));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "strata-migrate");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                running.add(pool.submit(() -> work(queue, unfinished, progress, threads, templates)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new StrataException(ErrorCode.INTERNAL, "A migration worker failed: " + e.getCause(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StrataException(ErrorCode.INTERNAL, "Interrupted while migrating", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void work(ConcurrentLinkedDeque<Unit> queue, AtomicInteger unfinished, RunProgress progress, int workers,
                      Map<String, SchemaFingerprint.Snapshot> templates) {
        while (!progress.lost()) {
            Unit unit = queue.pollFirst();
            if (unit == null) {
                if (unfinished.get() == 0) {
                    return;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                continue;
            }
            try {
                process(unit, queue, unfinished, progress, workers, templates);
            } finally {
                unfinished.decrementAndGet();
            }
        }
    }

    private void process(Unit unit, ConcurrentLinkedDeque<Unit> queue, AtomicInteger unfinished, RunProgress progress,
                         int workers, Map<String, SchemaFingerprint.Snapshot> templates) {
        TargetDiscovery.DatabaseTargets db = unit.database();
        DataPlane plane = planes.get(db.dataPlane());
        if (plane == null) {
            failAll(unit, progress, "data plane '" + db.dataPlane() + "' is not configured in this process");
            return;
        }
        List<PendingDetection.TargetState> mine = unit.states();
        List<PendingDetection.TargetState> tenantSchemas = List.of();
        SchemaFingerprint.Snapshot template = templates.get(db.dataPlane());
        Map<String, String> outside = new HashMap<>();
        AdminConnection connection = null;
        boolean lastFailed = false;
        int next = 0;
        try {
            connection = AdminConnection.open(plane, db.database(), pools, connectionTimeout);
            if (mine == null) {
                List<PendingDetection.TargetState> states = PendingDetection.detect(connection.connection(), db.candidates(), set);
                connection.connection().commit();
                List<PendingDetection.TargetState> pending = states.stream().filter(s -> !s.pending().isEmpty()).toList();
                progress.upToDate(db.candidates().size() - pending.size());
                // the database's shared app schema first, on this connection: the tenant schemas,
                // split over other workers, see it settled (it lies outside each of them)
                mine = pending.stream().filter(s -> PhysicalNames.APP_SCHEMA.equals(s.schema().schema())).toList();
                tenantSchemas = pending.stream().filter(s -> !PhysicalNames.APP_SCHEMA.equals(s.schema().schema())).toList();
                if (mine.isEmpty()) {
                    mine = split(db, tenantSchemas, queue, unfinished, workers);
                    tenantSchemas = List.of();
                }
            }
            for (; next < mine.size(); next++) {
                if (progress.lost()) {
                    return;
                }
                // a round trip of its own: asked only after a target failed (it may have broken the connection)
                if (lastFailed && !connection.usable()) {
                    connection.close();
                    connection = null;
                    connection = AdminConnection.open(plane, db.database(), pools, connectionTimeout);
                }
                lastFailed = !migrateOne(connection, mine.get(next), progress, template, outside);
                if (next == mine.size() - 1 && !tenantSchemas.isEmpty()) {
                    mine = split(db, tenantSchemas, queue, unfinished, workers);
                    tenantSchemas = List.of();
                    next = -1;
                }
            }
        } catch (SQLException | RuntimeException e) {
            if (mine == null && db.mayBeMissing() && SqlStates.is(e, SqlStates.INVALID_CATALOG_NAME)) {
                progress.upToDate(db.candidates().size()); // being created: copied from the migrated template
                return;
            }
            String error = "cannot migrate in database " + db.database() + ": " + message(e);
            if (mine == null) {
                failAll(unit, progress, error);
            } else {
                // could not reconnect: the targets not reached yet fail (migrateOne counted the others)
                for (PendingDetection.TargetState s : mine.subList(Math.max(0, next), mine.size())) {
                    progress.failed(s.schema(), s.version(), s.pendingVersions(), error);
                }
                for (PendingDetection.TargetState s : tenantSchemas) {
                    progress.failed(s.schema(), s.version(), s.pendingVersions(), error);
                }
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
    }

    /** Keeps the first piece of a large database's pending targets and queues the rest for other workers. */
    private static List<PendingDetection.TargetState> split(TargetDiscovery.DatabaseTargets db,
                                                            List<PendingDetection.TargetState> pending,
                                                            ConcurrentLinkedDeque<Unit> queue, AtomicInteger unfinished,
                                                            int workers) {
        int piece = Math.max(MIN_SPLIT, (pending.size() + workers - 1) / workers);
        if (workers <= 1 || pending.size() <= piece) {
            return pending;
        }
        for (int from = piece; from < pending.size(); from += piece) {
            unfinished.incrementAndGet();
            queue.addFirst(new Unit(db, pending.subList(from, Math.min(pending.size(), from + piece))));
        }
        return pending.subList(0, piece);
    }

    /**
     * One target in a transaction of its own: compared with its template when the plane has a
     * snapshot of it ({@link SchemaMigrator#migrateLikeTemplate}), under every check otherwise or
     * when the comparison fails.
     *
     * @param outside the outside counts of this database, by kind of schema, taken before its first
     *                compared target (cleared after a target that needed every check)
     * @return whether the target was migrated (else it failed, rolled back, and was counted)
     */
    private boolean migrateOne(AdminConnection connection, PendingDetection.TargetState state, RunProgress progress,
                               SchemaFingerprint.Snapshot template, Map<String, String> outside) {
        var c = connection.connection();
        if (template != null && state.version() != null) {
            try {
                String schema = state.schema().schema();
                String kind = PhysicalNames.APP_SCHEMA.equals(schema) ? schema : "tenant schema";
                String before = outside.get(kind);
                if (before == null) {
                    before = migrator.outside(c, schema);
                    outside.put(kind, before);
                }
                if (migrator.migrateLikeTemplate(c, state.schema(), state.pending(), template, before)) {
                    c.commit();
                    progress.migrated(state.schema(), state.version(), newest(state), true);
                    return true;
                }
                rollBack(c);
                progress.differed();
                outside.clear();
            } catch (SQLException | RuntimeException e) {
                rollBack(c);
                LOG.warn("Migrating {} failed (rolled back; the other targets go on): {}", state.schema().name(), message(e));
                progress.failed(state.schema(), state.version(), state.pendingVersions(), message(e));
                return false;
            }
        }
        try {
            migrator.migrate(c, state.schema(), state.pending());
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollBack(c);
            LOG.warn("Migrating {} failed (rolled back; the other targets go on): {}", state.schema().name(), message(e));
            progress.failed(state.schema(), state.version(), state.pendingVersions(), message(e));
            return false;
        }
        progress.migrated(state.schema(), state.version(), newest(state), false);
        return true;
    }

    private static void failAll(Unit unit, RunProgress progress, String error) {
        if (unit.states() != null) {
            unit.states().forEach(s -> progress.failed(s.schema(), s.version(), s.pendingVersions(), error));
            return;
        }
        for (TargetDiscovery.Candidate c : unit.database().candidates()) {
            progress.failed(c.schema(), null, List.of(), error);
        }
    }

    private static String newest(PendingDetection.TargetState state) {
        return state.pending().get(state.pending().size() - 1).version();
    }

    private static void rollBack(java.sql.Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // a broken connection: the server rolled back
        }
    }

    static String message(Throwable e) {
        if (e instanceof StrataException) {
            return e.getMessage();
        }
        return SqlStates.rootMessage(e);
    }
}
