package dev.strata.internal.provisioning;

import dev.strata.internal.sql.DataPlane;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Watches one removal statement of a decommission while it waits for locks: once the drain
 * deadline has passed, it ends the app-role sessions that hold the locks it waits for (and only
 * those: {@code pg_blocking_pids}), so in-flight transactions of the tenant cannot hold a
 * decommission up for longer than the bound. Sessions of any other role are never ended; they are
 * remembered for the error message. Runs on a thread of its own until closed.
 */
final class BlockerWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BlockerWatch.class);
    private static final long POLL_MILLIS = 50;

    private final DataPlane plane;
    private final int waiterPid;
    private final String appRole;
    private final Instant deadline;
    private final Map<Integer, String> untouchable = new LinkedHashMap<>();
    private final Map<Integer, String> refused = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int terminated;

    BlockerWatch(DataPlane plane, int waiterPid, String appRole, Instant deadline) {
        this.plane = plane;
        this.waiterPid = waiterPid;
        this.appRole = appRole;
        this.deadline = deadline;
        this.thread = new Thread(this::watch, "strata-decommission-watch-" + waiterPid);
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        try (Connection c = plane.openAdmin(plane.server().database());
             PreparedStatement blockers = c.prepareStatement("""
                     SELECT b.pid, a.usename FROM unnest(pg_blocking_pids(?)) AS b(pid)
                       LEFT JOIN pg_stat_activity a ON a.pid = b.pid""");
             PreparedStatement terminate = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
            blockers.setInt(1, waiterPid);
            while (!stopped) {
                if (!Instant.now().isBefore(deadline)) {
                    try (ResultSet rs = blockers.executeQuery()) {
                        while (rs.next()) {
                            end(terminate, rs.getInt(1), rs.getString(2));
                        }
                    }
                }
                sleep();
            }
        } catch (SQLException e) {
            if (!stopped) {
                LOG.warn("Cannot watch the sessions holding up a decommission: {}", e.getMessage());
            }
        }
    }

    private void end(PreparedStatement terminate, int pid, String role) {
        if (!appRole.equals(role)) {
            synchronized (this) {
                untouchable.put(pid, role);
            }
            return;
        }
        try {
            terminate.setInt(1, pid);
            terminate.execute();
            terminated++;
            LOG.warn("Ended session {} of {}: its transaction held up a decommission past the drain timeout", pid, role);
        } catch (SQLException e) {
            synchronized (this) {
                refused.put(pid, e.getMessage());
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    /** How many sessions it ended so far. */
    int terminated() {
        return terminated;
    }

    /** What held the removal up and could not be ended, for an error message. */
    synchronized String unresolved() {
        StringBuilder out = new StringBuilder();
        untouchable.forEach((pid, role) -> out.append(out.isEmpty() ? "" : "; ")
                .append("session ").append(pid).append(" of role ").append(role).append(" (not ended: not the app role)"));
        refused.forEach((pid, message) -> out.append(out.isEmpty() ? "" : "; ")
                .append("session ").append(pid).append(" could not be ended: ").append(message));
        return out.isEmpty() ? "no blocking session was found" : out.toString();
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
