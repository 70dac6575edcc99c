package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.migration.ApplyRequest;
import dev.strata.migration.MigrationRun;
import dev.strata.migration.SchemaMigrations;
import dev.strata.migration.StartedRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The fan-outs this server started on behalf of {@code POST /v1/migrations/apply}: each is started
 * with {@link SchemaMigrations#start} (journaled as an operation, {@code GET /v1/operations/{id}})
 * and followed here too, under the same id, with its outcome (the failed targets and their errors)
 * through {@code GET /v1/migrations/runs/{id}}. One at a time per server (a second is refused with
 * {@link ErrorCode#OPERATION_CONFLICT} while one runs; across processes the fan-out's own
 * operation lease refuses it). Keeps the most recent {@value #KEPT} runs in memory. Thread-safe.
 */
final class MigrationRuns implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRuns.class);
    static final int KEPT = 50;
    static final String PATH = "/v1/migrations/runs/";

    private final SchemaMigrationsSource migrations;
    private final Map<UUID, Run> runs = new LinkedHashMap<>();
    private Run live;

    /** Where the runs get {@link SchemaMigrations} from, looked up per run. */
    @FunctionalInterface
    interface SchemaMigrationsSource {
        SchemaMigrations get();
    }

    MigrationRuns(SchemaMigrationsSource migrations) {
        this.migrations = migrations;
    }

    /**
     * Starts a fan-out in the background; returns its id, the id of the operation journaling it.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} while another run of this server is live
     */
    synchronized UUID start(int concurrency, List<String> targets, String actor) {
        if (live != null && live.finishedAt == null) {
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "A migration run is already in progress (operation "
                    + live.id + ", started " + live.startedAt + "): follow it with GET " + PATH + live.id
                    + " ('strata migrate apply' waits for it) and start another once it has finished");
        }
        Run run = new Run(concurrency, List.copyOf(targets), actor, Instant.now());
        ApplyRequest.Builder builder = ApplyRequest.builder().concurrency(concurrency).progress(run::progressed);
        targets.forEach(builder::target);
        StartedRun started = migrations.get().start(builder.build());
        run.id = started.operation();
        runs.put(run.id, run);
        while (runs.size() > KEPT) {
            UUID oldest = runs.keySet().iterator().next();
            runs.remove(oldest);
        }
        live = run;
        LOG.info("Migration run {} started by {} (concurrency {}, {})", run.id, actor, concurrency,
                targets.isEmpty() ? "every target" : targets.size() + " targets");
        started.outcome().whenComplete((result, failure) -> finished(run, result, failure));
        return run.id;
    }

    private static void finished(Run run, MigrationRun result, Throwable failure) {
        if (failure == null) {
            run.finish(result, null, null);
            LOG.info("Migration run {} finished: {} targets, {} migrated, {} up to date, {} failed in {} ms", run.id,
                    result.total(), result.migrated(), result.upToDate(), result.failed(), result.elapsed().toMillis());
        } else if (failure instanceof StrataException e) {
            run.finish(null, e.code(), e.getMessage());
            LOG.warn("Migration run {} failed: {} ({})", run.id, e.getMessage(), e.code());
        } else {
            run.finish(null, ErrorCode.INTERNAL, "The migration run failed unexpectedly (" + failure.getClass().getSimpleName()
                    + "); the server log has the details. 'strata migrate status' shows where every target stands");
            LOG.error("Migration run {} failed unexpectedly", run.id, failure);
        }
    }

    /** A run this server started and still remembers. */
    synchronized Optional<RunView> find(UUID id) {
        return Optional.ofNullable(runs.get(id)).map(Run::view);
    }

    /**
     * Forgets nothing and stops nothing: a live run belongs to the engine (closing Strata stops it;
     * the fan-out's journal lets another process resume it).
     */
    @Override
    public void close() {
        // the runs' threads are the engine's
    }

    /**
     * What a client follows.
     *
     * @param id          the run's id (the path of {@code GET /v1/migrations/runs/{id}})
     * @param kind        always {@code migration}
     * @param state       {@code running}, {@code succeeded} (every target current) or {@code failed}
     *                    (some targets failed: see {@code result}; or the run itself: see {@code error})
     * @param concurrency as requested
     * @param targets     the targets requested, empty for every target
     * @param done        targets finished so far (migrated, already current, or failed)
     * @param total       targets in the run, 0 until they are known
     * @param failed      targets failed so far
     * @param startedAt   when it started
     * @param finishedAt  when it ended, {@code null} while running
     * @param elapsedMs   wall time so far, or in all once finished
     * @param result      the outcome once the fan-out returned, else {@code null}
     * @param error       why the run as a whole failed ({@code code}, {@code detail}), else {@code null}
     */
    record RunView(UUID id, String kind, String state, int concurrency, List<String> targets, int done, int total,
                   int failed, Instant startedAt, Instant finishedAt, long elapsedMs, ResultView result, ErrorView error) {
    }

    /** The fan-out's outcome; {@code journal} is the id of the operation that journaled it. */
    record ResultView(UUID journal, int total, int migrated, int upToDate, int failed,
                      List<MigrationViews.TargetView> failures, long elapsedMs) {
    }

    /** Why a run failed as a whole: an {@link ErrorCode} name and what to do. */
    record ErrorView(String code, String detail) {
    }

    private static final class Run {
        volatile UUID id;
        final int concurrency;
        final List<String> targets;
        final String actor;
        final Instant startedAt;
        volatile int done;
        volatile int total;
        volatile int failed;
        volatile Instant finishedAt;
        volatile ResultView result;
        volatile ErrorView error;

        Run(int concurrency, List<String> targets, String actor, Instant startedAt) {
            this.concurrency = concurrency;
            this.targets = targets;
            this.actor = actor;
            this.startedAt = startedAt;
        }

        void progressed(int doneSoFar, int totalTargets, int failedSoFar) {
            total = totalTargets;
            failed = failedSoFar;
            done = doneSoFar;
        }

        void finish(MigrationRun run, ErrorCode code, String detail) {
            if (run != null) {
                List<MigrationViews.TargetView> failures = new ArrayList<>();
                run.failures().forEach(t -> failures.add(MigrationViews.TargetView.of(t)));
                result = new ResultView(run.operation(), run.total(), run.migrated(), run.upToDate(), run.failed(),
                        failures, run.elapsed().toMillis());
                total = run.total();
                done = run.total();
                failed = run.failed();
            } else {
                error = new ErrorView(code.name(), detail);
            }
            finishedAt = Instant.now();
        }

        RunView view() {
            Instant end = finishedAt;
            ResultView r = result;
            ErrorView e = error;
            String state = end == null ? "running" : (r != null && r.failed() == 0 ? "succeeded" : "failed");
            long elapsed = java.time.Duration.between(startedAt, end == null ? Instant.now() : end).toMillis();
            return new RunView(id, "migration", state, concurrency, targets, done, total, failed, startedAt, end,
                    elapsed, r, e);
        }
    }

    /** Names requested more than once, for the caller's message. */
    static Set<String> duplicates(List<String> names) {
        Set<String> seen = new java.util.HashSet<>();
        Set<String> twice = new java.util.TreeSet<>();
        for (String n : names) {
            if (!seen.add(n)) {
                twice.add(n);
            }
        }
        return twice;
    }
}
