package dev.strata.internal.move;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.internal.operation.RunningOperation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * What a move reports while it runs, beyond its steps ({@link dev.strata.OperationInfo#report()}):
 * {@code phase}; {@code rows_total_estimate} (the moving tenants' rows at the source when the copy
 * starts) and {@code rows_copied} (updated every half second during the copy from the target
 * server's {@code pg_stat_progress_copy}, exact once the copy ended); {@code lag_bytes} (captured
 * changes still to apply) after every catch-up round. Reporting never fails a move: a report that
 * cannot be written is logged and skipped. Thread-safe.
 */
final class MoveProgress {
    private static final Logger LOG = LoggerFactory.getLogger(MoveProgress.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long COPY_POLL_MILLIS = 500;

    private final RunningOperation operation;
    private final ObjectNode state = JSON.createObjectNode();

    MoveProgress(RunningOperation operation) {
        this.operation = operation;
    }

    /** Runs the copy, reporting the scope's rows at the source and the rows copied so far until it returns. */
    long copy(CopyEndpoint source, CopyEndpoint target, CopyScope scope, java.util.function.LongSupplier copy) {
        synchronized (this) {
            state.put("phase", MoveStep.INITIAL_COPY.wireName());
            state.put("rows_copied", 0);
            write();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-move-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.execute(() -> { // counted beside the copy, not before it: the copy does not wait for the count
            long estimate = count(source, scope);
            synchronized (this) {
                state.put("rows_total_estimate", estimate);
                write();
            }
        });
        Map<Integer, Long> byRelation = new HashMap<>();
        ticker.scheduleWithFixedDelay(() -> poll(target, byRelation), COPY_POLL_MILLIS, COPY_POLL_MILLIS, TimeUnit.MILLISECONDS);
        try {
            long copied = copy.getAsLong();
            ticker.shutdownNow();
            synchronized (this) {
                state.put("rows_copied", copied);
                write();
            }
            return copied;
        } finally {
            ticker.shutdownNow();
        }
    }

    /** Reports the lag after a catch-up round of {@code step}. */
    synchronized void lag(MoveStep step, long bytes) {
        state.put("phase", step.wireName());
        state.put("lag_bytes", bytes);
        write();
    }

    private void poll(CopyEndpoint target, Map<Integer, Long> byRelation) {
        try (Connection c = target.plane().openAdmin(target.database());
             PreparedStatement ps = c.prepareStatement("""
                     SELECT relid::int, tuples_processed FROM pg_stat_progress_copy
                      WHERE datname = current_database() AND command = 'COPY FROM' AND relid IS NOT NULL""")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byRelation.merge(rs.getInt(1), rs.getLong(2), Math::max);
                }
            }
            long sum = byRelation.values().stream().mapToLong(Long::longValue).sum();
            synchronized (this) {
                if (sum > state.path("rows_copied").asLong()) {
                    state.put("rows_copied", sum);
                    write();
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("Could not read the copy's progress: {}", e.getMessage());
        }
    }

    private static long count(CopyEndpoint source, CopyScope scope) {
        long total = 0;
        try (Connection c = source.plane().openAdmin(source.database())) {
            for (String table : scope.tables()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + quote(source.schema()) + "."
                        + quote(table) + " WHERE tenant_id = ANY (?)")) {
                    ps.setArray(1, c.createArrayOf("uuid", scope.tenantIds().toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
        } catch (SQLException e) {
            LOG.debug("Could not count the rows to copy: {}", e.getMessage());
            return -1;
        }
        return total;
    }

    private void write() {
        try {
            operation.report(state.toString());
        } catch (RuntimeException e) {
            LOG.debug("Could not report the progress of move {}: {}", operation.id(), e.getMessage());
        }
    }
}
