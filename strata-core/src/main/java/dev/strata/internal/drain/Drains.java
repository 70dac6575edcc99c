package dev.strata.internal.drain;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.internal.move.Moves;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.plane.DrainStarter;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The DRAIN operation ({@link OperationKind#DRAIN}): started by {@link dev.strata.Planes#drain}
 * through the plane registry's {@link DrainStarter} hook, run in a thread of its own on the
 * operations runner (journalled, leased, resumable, abortable; see {@link DrainRun}). One drain per
 * plane: a repeated drain returns the running one, and continues it if it was interrupted or
 * failed. Registers the {@link DrainHandler} with the runner. Thread-safe.
 */
public final class Drains implements DrainStarter {
    private static final Logger LOG = LoggerFactory.getLogger(Drains.class);

    private final DataSource management;
    private final OperationRunner runner;
    private final DrainRun run;

    public Drains(Registry registry, OperationRunner runner, Moves moves) {
        this.management = registry.dataSource();
        this.runner = runner;
        this.run = new DrainRun(management, runner, moves, new DrainPlanner(management, registry));
        runner.register(new DrainHandler(run));
    }

    @Override
    public UUID startDrain(String planeKey, int concurrency, String actor) {
        Started started = Jdbc.inTransaction(management, "start draining data plane '" + planeKey + "'", c -> {
            UUID last;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT drain_operation FROM platform.data_planes WHERE key = ? FOR UPDATE")) {
                ps.setString(1, planeKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + planeKey + "' is registered");
                    }
                    last = rs.getObject(1, UUID.class);
                }
            }
            Optional<JournalEntry> previous = last == null ? Optional.empty() : runner.journal().find(c, last, false);
            if (previous.isPresent() && !previous.get().state().finished()) {
                boolean live = previous.get().state() == OperationState.RUNNING && previous.get().live();
                return new Started(last, live ? Next.NONE : Next.CONTINUE);
            }
            UUID id = runner.open(c, OperationKind.DRAIN, null, JournalDetail.object("plane", planeKey, "actor", actor)
                    .put("concurrency", concurrency).toString());
            try (PreparedStatement ps = c.prepareStatement("UPDATE platform.data_planes SET drain_operation = ? WHERE key = ?")) {
                ps.setObject(1, id);
                ps.setString(2, planeKey);
                ps.executeUpdate();
            }
            return new Started(id, Next.RUN);
        });
        if (started.next() == Next.CONTINUE) {
            runner.resumeInBackground(started.operation(), "strata-drain-" + planeKey);
        } else if (started.next() == Next.RUN) {
            background(planeKey, () -> {
                try (RunningOperation operation = runner.track(started.operation(), OperationKind.DRAIN)) {
                    JournalEntry entry = runner.find(started.operation());
                    run.forward(DrainRun.Plan.of(entry), operation, Map.of());
                }
            });
        }
        return started.operation();
    }

    @Override
    public void requireNoDrainRunning(String planeKey) {
        Jdbc.withConnection(management, "look for a drain of data plane '" + planeKey + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT o.id FROM platform.data_planes p JOIN platform.operations o ON o.id = p.drain_operation
                     WHERE p.key = ? AND o.state = 'running'""")) {
                ps.setString(1, planeKey);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Data plane '" + planeKey
                                + "' is being drained (operation " + rs.getObject(1) + "): abort the drain first "
                                + "('strata operations abort " + rs.getObject(1) + "'), then activate the plane");
                    }
                }
            }
            return null;
        });
    }

    /** What a drain request does: run a new drain, continue an interrupted or failed one, or nothing (one runs). */
    private enum Next { RUN, CONTINUE, NONE }

    private record Started(UUID operation, Next next) {
    }

    private static void background(String planeKey, Runnable work) {
        Thread worker = new Thread(() -> {
            try {
                work.run();
            } catch (RuntimeException e) {
                LOG.warn("The drain of data plane '{}' ended with an error: {}", planeKey, e.getMessage());
            }
        }, "strata-drain-" + planeKey);
        worker.setDaemon(true);
        worker.start();
    }
}
