package dev.strata.internal.drain;

import dev.strata.ErrorCode;
import dev.strata.MoveRequest;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.move.Moves;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Runs a drain under its operation: lists what is on the plane ({@link DrainStep#PLAN}), then moves
 * the units ({@link DrainStep#MOVE} per tenant) in at most {@code concurrency} T1 subtrees at once,
 * each subtree's units one after another, each an ordinary online move with its own operation. A
 * tenant's unfinished move (left by a crash) is finished first. A tenant that cannot be moved (no
 * plane of its region with room, a refused or failed move) is recorded as failed and the others go
 * on; the drain then ends {@code failed} naming them ({@code resume} or a new drain tries them
 * again). An operator's abort stops it starting moves; the running ones end by themselves. The
 * plane stays {@code draining} whatever the end. Thread-safe.
 */
final class DrainRun {
    private static final Logger LOG = LoggerFactory.getLogger(DrainRun.class);
    private static final long POLL_MILLIS = 200;
    private static final int PASSES = 3;

    private final DataSource management;
    private final OperationRunner runner;
    private final Moves moves;
    private final DrainPlanner planner;

    DrainRun(DataSource management, OperationRunner runner, Moves moves, DrainPlanner planner) {
        this.management = management;
        this.runner = runner;
        this.moves = moves;
        this.planner = planner;
    }

    /** The plane, concurrency and actor of a drain, as journalled in its detail. */
    record Plan(String plane, int concurrency, String actor) {
        static Plan of(JournalEntry entry) {
            return new Plan(entry.detail("plane").asText(), entry.detail("concurrency") == null ? 2
                    : entry.detail("concurrency").asInt(2), entry.detail("actor") == null ? "strata"
                    : entry.detail("actor").asText());
        }
    }

    /** Runs the drain to its end: from the start, or continuing an interrupted or failed run. */
    void forward(Plan plan, RunningOperation operation, Map<String, Object> earlier) {
        DrainReport report = new DrainReport(operation, earlier);
        for (int pass = 1; ; pass++) {
            List<DrainUnit> units = new ArrayList<>();
            operation.step(DrainStep.PLAN, pass == 1 ? null : String.valueOf(pass),
                    () -> units.addAll(planner.units(plan.plane())));
            report.pending(units);
            LOG.info("Draining data plane '{}': {} tenant(s) to move, {} at a time", plan.plane(), units.size(),
                    plan.concurrency());
            moveAll(plan, operation, report, units);
            if (runner.journal().stopRequested(operation.id())) {
                report.stopped();
                operation.finish(OperationState.ABORTED, "Stopped by an operator: " + report.moved() + " of "
                        + report.total() + " tenant(s) moved off data plane '" + plan.plane() + "', which stays draining ("
                        + "'strata planes drain " + plan.plane() + "' moves the rest, 'strata planes activate "
                        + plan.plane() + "' takes new tenants again)");
                return;
            }
            Map<String, String> failures = report.failures();
            if (!failures.isEmpty()) {
                operation.finish(OperationState.FAILED, failures.size() + " tenant(s) could not be moved off data plane '"
                        + plan.plane() + "' (" + report.moved() + " of " + report.total() + " moved): "
                        + failures.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
                        .collect(Collectors.joining("; ")) + ". Resume the drain once that is fixed");
                return;
            }
            List<DrainUnit> left = planner.units(plan.plane());
            if (left.isEmpty() || pass >= PASSES) {
                operation.step(DrainStep.FINISH, () -> {
                    if (!left.isEmpty()) {
                        throw new StrataException(ErrorCode.INTERNAL, "Tenants keep arriving on draining data plane '"
                                + plan.plane() + "': " + left.stream().map(DrainUnit::slug).toList());
                    }
                });
                operation.finish(OperationState.SUCCEEDED, null);
                LOG.info("Drained data plane '{}': {} tenant(s) moved off it", plan.plane(), report.moved());
                return;
            }
        }
    }

    /**
     * Gives up a drain that no process works on: a tenant's move left unfinished is rolled back
     * (or finished, once its routing flipped); moves that ended stay where they are.
     */
    void abort(Plan plan, RunningOperation operation, Map<String, Object> earlier) {
        DrainReport report = new DrainReport(operation, earlier);
        operation.step(DrainStep.ABORT, () -> {
            for (DrainUnit unit : planner.units(plan.plane())) {
                unfinishedMove(unit.tenantId()).ifPresent(move -> settle(move, true));
            }
        });
        operation.finish(OperationState.ABORTED, "Aborted by an operator: " + report.moved() + " tenant(s) had been moved "
                + "off data plane '" + plan.plane() + "', which stays draining ('strata planes drain " + plan.plane()
                + "' moves the rest, 'strata planes activate " + plan.plane() + "' takes new tenants again)");
    }

    private void moveAll(Plan plan, RunningOperation operation, DrainReport report, List<DrainUnit> units) {
        Map<UUID, List<DrainUnit>> groups = new LinkedHashMap<>();
        for (DrainUnit u : units) {
            groups.computeIfAbsent(u.group(), g -> new ArrayList<>()).add(u);
        }
        String mdc = MDC.get("tenant");
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(plan.concurrency(), groups.size() + 1)), r -> {
            Thread t = new Thread(r, "strata-drain-" + plan.plane());
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> running = new ArrayList<>();
        try {
            for (List<DrainUnit> group : groups.values()) {
                running.add(pool.submit(() -> {
                    for (DrainUnit unit : group) {
                        if (runner.journal().stopRequested(operation.id())) {
                            return null;
                        }
                        MDC.put("tenant", unit.tenantId().toString());
                        try {
                            operation.step(DrainStep.MOVE, unit.slug(), () -> moveOne(plan, unit, report));
                        } finally {
                            MDC.remove("tenant");
                        }
                    }
                    return null;
                }));
            }
        } finally {
            pool.shutdown();
        }
        Throwable first = null;
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (ExecutionException e) {
                first = first == null ? e.getCause() : first;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                first = first == null ? e : first;
            }
        }
        if (mdc != null) {
            MDC.put("tenant", mdc);
        }
        if (first instanceof RuntimeException re) {
            throw re;
        }
        if (first instanceof Error err) {
            throw err;
        }
        if (first != null) {
            throw new StrataException(ErrorCode.INTERNAL, "The drain of data plane '" + plan.plane() + "' was interrupted", first);
        }
    }

    /** Moves one unit off the plane, recording the outcome; only a loss of the drain's ownership (or a crash) escapes. */
    private void moveOne(Plan plan, DrainUnit unit, DrainReport report) {
        Optional<UUID> unfinished = unfinishedMove(unit.tenantId());
        unfinished.ifPresent(move -> settle(move, false));
        if (!planner.onPlane(unit.tenantId(), plan.plane())) {
            report.moved(unit, unfinished.orElse(null), null);
            return;
        }
        for (int attempt = 1; ; attempt++) {
            Optional<String> target = planner.target(plan.plane(), unit);
            if (target.isEmpty()) {
                report.failed(unit, null, DrainPlanner.noTarget(unit));
                return;
            }
            UUID[] move = {null};
            try {
                moves.move(unit.slug(), MoveRequest.to(unit.mode()).withPlane(target.get()), "drain:" + plan.actor(),
                        id -> {
                            move[0] = id;
                            try {
                                report.moving(unit, id, target.get());
                            } catch (RuntimeException e) {
                                // the move runs regardless; the drain's next journal write stops the drain
                                LOG.warn("Could not record the move of tenant '{}' in the drain: {}", unit.slug(), e.getMessage());
                            }
                        });
            } catch (StrataException e) {
                if (move[0] == null && e.code() == ErrorCode.MOVE_REFUSED && attempt < 3
                        && !planner.target(plan.plane(), unit).equals(target)) {
                    continue; // another move of the drain took the last room of that plane: choose again
                }
                if (move[0] != null && !planner.onPlane(unit.tenantId(), plan.plane())) {
                    settle(move[0], false); // served from the target; its clean-up failed: finish it
                }
                if (planner.onPlane(unit.tenantId(), plan.plane())) {
                    report.failed(unit, move[0], e.getMessage());
                    return;
                }
            }
            if (planner.onPlane(unit.tenantId(), plan.plane())) {
                report.failed(unit, move[0], "its move ended but it is still on the plane");
            } else {
                report.moved(unit, move[0], target.get());
            }
            return;
        }
    }

    /**
     * Waits for a move another process (or recovery) works on to end, and finishes one that nobody
     * works on: resumes it, or, if {@code rollBack}, aborts it while its routing has not flipped.
     */
    private void settle(UUID move, boolean rollBack) {
        while (true) {
            JournalEntry entry = runner.find(move);
            if (entry.state().finished()) {
                return;
            }
            if (entry.state() == OperationState.RUNNING && entry.live()) {
                sleep();
                continue;
            }
            try {
                if (rollBack) {
                    try {
                        runner.abort(move);
                    } catch (StrataException e) {
                        if (e.code() != ErrorCode.INVALID_STATE) {
                            throw e;
                        }
                        runner.resume(move); // its routing flipped: only finishing it is left
                    }
                } else {
                    runner.resume(move);
                }
            } catch (StrataException e) {
                if (e.code() != ErrorCode.OPERATION_CONFLICT && e.code() != ErrorCode.INVALID_STATE) {
                    LOG.warn("Could not finish move {}: {}", move, e.getMessage());
                    return;
                }
                sleep(); // claimed by another process meanwhile
            }
            if (runner.find(move).state() == OperationState.FAILED) {
                return;
            }
        }
    }

    private Optional<UUID> unfinishedMove(UUID tenant) {
        return Jdbc.withConnection(management, "look for an unfinished move of tenant " + tenant, c ->
                runner.journal().latestUnfinished(c, OperationKind.MOVE, List.of(tenant)).map(JournalEntry::id));
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.INTERNAL, "Interrupted while waiting for a move to end", e);
        }
    }
}
