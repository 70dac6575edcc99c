package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Neon's asynchronous operations: a mutating call answers at once with its operations
 * {@code running}; the work runs in the background, one project at a time in order, and the
 * operations end {@code finished} (or {@code failed} with the error). While a project has an
 * operation running, a new mutating call is refused with 423, as Neon does. Thread-safe.
 */
final class Operations implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Operations.class);

    /** The work behind a call's operations. */
    interface Work {
        void run() throws Exception;
    }

    private final Store store;
    private final Faults faults;
    private final Duration delay;
    private final Map<String, ObjectNode> operations = new LinkedHashMap<>();
    private final Map<String, ExecutorService> lanes = new ConcurrentHashMap<>();

    Operations(Store store, Faults faults, Duration delay) {
        this.store = store;
        this.faults = faults;
        this.delay = delay;
        operations.putAll(store.load("operation"));
        for (ObjectNode op : operations.values()) {
            String status = op.path("status").asText();
            if (status.equals("running") || status.equals("scheduling")) {
                op.put("status", "failed").put("error", "neon-local restarted while the operation ran");
                store.save("operation", op.path("id").asText(), op);
            }
        }
    }

    /** Refuses with 423 when the project has an operation that has not ended. */
    synchronized void requireIdle(String projectId) {
        if (faults.takeLocked() || operations.values().stream().anyMatch(op -> op.path("project_id").asText().equals(projectId)
                && (op.path("status").asText().equals("running") || op.path("status").asText().equals("scheduling")))) {
            throw new ApiError(423, "", "project already has running conflicting operations, scheduling of new ones is prohibited");
        }
    }

    /** Records the operations and runs the work after the delay, in the project's lane. */
    synchronized ArrayNode submit(String projectId, List<ObjectNode> ops, Work work) {
        ArrayNode out = ops.isEmpty() ? null : ops.get(0).arrayNode();
        for (ObjectNode op : ops) {
            operations.put(op.path("id").asText(), op);
            store.save("operation", op.path("id").asText(), op);
            out.add(op.deepCopy());
        }
        Instant started = Instant.now();
        lanes.computeIfAbsent(projectId, p -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "neon-local-ops-" + p);
            t.setDaemon(true);
            return t;
        })).submit(() -> {
            String error = null;
            try {
                Thread.sleep(delay.toMillis());
                work.run();
                if (faults.takeFailedOperation()) {
                    error = "injected failure";
                }
            } catch (Exception e) {
                LOG.warn("neon-local operation of project {} failed: {}", projectId, e.getMessage());
                error = e.getMessage() == null ? e.toString() : e.getMessage();
            }
            finish(ops, error, started);
        });
        return out;
    }

    private synchronized void finish(List<ObjectNode> ops, String error, Instant started) {
        for (ObjectNode op : ops) {
            op.put("status", error == null ? "finished" : "failed").put("updated_at", Shapes.now())
                    .put("total_duration_ms", (int) Duration.between(started, Instant.now()).toMillis());
            if (error != null) {
                op.put("error", error).put("failures_count", 1);
            }
            store.save("operation", op.path("id").asText(), op);
        }
    }

    synchronized ObjectNode get(String projectId, String id) {
        ObjectNode op = operations.get(id);
        if (op == null || !op.path("project_id").asText().equals(projectId)) {
            throw ApiError.notFound("operation " + id);
        }
        return op.deepCopy();
    }

    synchronized List<ObjectNode> list(String projectId) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode op : operations.values()) {
            if (op.path("project_id").asText().equals(projectId)) {
                out.add(op.deepCopy());
            }
        }
        return out;
    }

    @Override
    public void close() {
        for (ExecutorService lane : lanes.values()) {
            lane.shutdown();
        }
        for (ExecutorService lane : lanes.values()) {
            try {
                lane.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
