package dev.strata.internal.drain;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.internal.operation.RunningOperation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A drain's progress as its operation reports it: {@code done} (moved or failed) of {@code total}
 * tenants, and in {@link dev.strata.OperationInfo#report()} how many were {@code moved} and
 * {@code failed}, and in {@code tenants} per tenant slug its {@code state}
 * ({@code pending}, {@code moving}, {@code moved}, {@code failed}, {@code not_moved} after a stop),
 * its {@code move} operation, its {@code target} plane and the {@code error} of a failure. Every
 * change is written to the journal at once. Thread-safe.
 */
final class DrainReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunningOperation operation;
    private final Map<String, Map<String, Object>> tenants = new LinkedHashMap<>();

    /** Starts from what an earlier run of the drain reported (its tenants moved stay counted). */
    DrainReport(RunningOperation operation, Map<String, Object> earlier) {
        this.operation = operation;
        if (earlier != null && earlier.get("tenants") instanceof Map<?, ?> previous) {
            previous.forEach((slug, row) -> {
                if (row instanceof Map<?, ?> fields && "moved".equals(fields.get("state"))) {
                    Map<String, Object> copy = new LinkedHashMap<>();
                    fields.forEach((k, v) -> copy.put(String.valueOf(k), v));
                    tenants.put(String.valueOf(slug), copy);
                }
            });
        }
    }

    synchronized void pending(List<DrainUnit> units) {
        for (DrainUnit u : units) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("state", "pending");
            tenants.put(u.slug(), row);
        }
        write();
    }

    synchronized void moving(DrainUnit unit, UUID move, String target) {
        Map<String, Object> row = row(unit);
        row.put("state", "moving");
        row.put("move", move.toString());
        row.put("target", target);
        row.remove("error");
        write();
    }

    synchronized void moved(DrainUnit unit, UUID move, String target) {
        Map<String, Object> row = row(unit);
        row.put("state", "moved");
        if (move != null) {
            row.put("move", move.toString());
        }
        if (target != null) {
            row.put("target", target);
        }
        row.remove("error");
        write();
    }

    synchronized void failed(DrainUnit unit, UUID move, String error) {
        Map<String, Object> row = row(unit);
        row.put("state", "failed");
        if (move != null) {
            row.put("move", move.toString());
        }
        row.put("error", error);
        write();
    }

    /** Marks every tenant not moved yet {@code not_moved} (the drain stopped). */
    synchronized void stopped() {
        tenants.values().forEach(row -> {
            if ("pending".equals(row.get("state"))) {
                row.put("state", "not_moved");
            }
        });
        write();
    }

    /** The slugs of the tenants that failed, with their errors. */
    synchronized Map<String, String> failures() {
        Map<String, String> out = new LinkedHashMap<>();
        tenants.forEach((slug, row) -> {
            if ("failed".equals(row.get("state"))) {
                out.put(slug, String.valueOf(row.get("error")));
            }
        });
        return out;
    }

    synchronized int moved() {
        return count("moved");
    }

    synchronized int total() {
        return tenants.size();
    }

    /** The child moves recorded, by tenant slug. */
    synchronized List<String> moves() {
        List<String> out = new ArrayList<>();
        tenants.values().forEach(row -> {
            if (row.get("move") != null) {
                out.add(String.valueOf(row.get("move")));
            }
        });
        return out;
    }

    private Map<String, Object> row(DrainUnit unit) {
        return tenants.computeIfAbsent(unit.slug(), k -> new LinkedHashMap<>());
    }

    private int count(String state) {
        return (int) tenants.values().stream().filter(r -> state.equals(r.get("state"))).count();
    }

    private void write() {
        ObjectNode node = JSON.createObjectNode();
        int moved = count("moved");
        int failed = count("failed");
        node.put("moved", moved);
        node.put("failed", failed);
        node.set("tenants", JSON.valueToTree(tenants));
        synchronized (operation) {
            operation.report(node.toString());
            operation.progress(moved + failed, tenants.size());
        }
    }
}
