package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Neon-shaped JSON objects (project, branch, endpoint, role, database, operation) with every field
 * Neon's API definition marks required, filled in with the stand-in's values. Thread-safe.
 */
final class Shapes {
    private final ObjectMapper json;
    private final String region;

    Shapes(ObjectMapper json, String region) {
        this.json = json;
        this.region = region;
    }

    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    ArrayNode array() {
        return json.createArrayNode();
    }

    ObjectNode project(String id, String name, int pgVersion) {
        String now = now();
        ObjectNode p = object();
        p.put("id", id).put("platform_id", "local").put("region_id", region).put("name", name)
                .put("provisioner", "k8s-neonvm").put("pg_version", pgVersion).put("proxy_host", "127.0.0.1")
                .put("branch_logical_size_limit", 0).put("branch_logical_size_limit_bytes", 0L)
                .put("store_passwords", true).put("cpu_used_sec", 0).put("creation_source", "neon-local")
                .put("history_retention_seconds", 86400).put("created_at", now).put("updated_at", now)
                .put("owner_id", "neon-local").put("consumption_period_start", now)
                .put("consumption_period_end", Instant.now().plus(30, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString())
                .put("active_time_seconds", 0).put("compute_time_seconds", 0).put("written_data_bytes", 0)
                .put("data_transfer_bytes", 0).put("data_storage_bytes_hour", 0).put("active_time", 0);
        p.putObject("settings");
        p.putObject("default_endpoint_settings");
        return p;
    }

    ObjectNode branch(String id, String projectId, String name, String parentId, boolean isDefault) {
        String now = now();
        ObjectNode b = object();
        b.put("id", id).put("project_id", projectId).put("name", name).put("current_state", "init")
                .put("pending_state", "ready").put("state_changed_at", now).put("creation_source", "neon-local")
                .put("primary", isDefault).put("default", isDefault).put("protected", false).put("cpu_used_sec", 0)
                .put("active_time_seconds", 0).put("compute_time_seconds", 0).put("written_data_bytes", 0)
                .put("data_transfer_bytes", 0).put("created_at", now).put("updated_at", now)
                .put("init_source", "parent-data");
        if (parentId != null) {
            b.put("parent_id", parentId).put("parent_timestamp", now).put("parent_lsn", "0/0");
        }
        return b;
    }

    ObjectNode endpoint(String id, String projectId, String branchId, String host, boolean active) {
        String now = now();
        ObjectNode e = object();
        e.put("host", host).put("id", id).put("project_id", projectId).put("branch_id", branchId)
                .put("region_id", region).put("autoscaling_limit_min_cu", 0.25).put("autoscaling_limit_max_cu", 1)
                .put("type", "read_write").put("current_state", active ? "active" : "idle")
                .put("pooler_enabled", false).put("pooler_mode", "transaction").put("disabled", false)
                .put("passwordless_access", false).put("creation_source", "neon-local").put("created_at", now)
                .put("updated_at", now).put("proxy_host", "127.0.0.1").put("suspend_timeout_seconds", 0)
                .put("provisioner", "k8s-neonvm");
        e.putObject("settings");
        return e;
    }

    ObjectNode role(String branchId, String name) {
        String now = now();
        return object().put("branch_id", branchId).put("name", name).put("protected", false)
                .put("created_at", now).put("updated_at", now);
    }

    ObjectNode database(long id, String branchId, String name, String owner) {
        String now = now();
        return object().put("id", id).put("branch_id", branchId).put("name", name).put("owner_name", owner)
                .put("created_at", now).put("updated_at", now);
    }

    ObjectNode operation(String projectId, String branchId, String endpointId, String action) {
        String now = now();
        ObjectNode o = object();
        o.put("id", Ids.operation()).put("project_id", projectId).put("action", action).put("status", "running")
                .put("failures_count", 0).put("created_at", now).put("updated_at", now).put("total_duration_ms", 0);
        if (branchId != null) {
            o.put("branch_id", branchId);
        }
        if (endpointId != null) {
            o.put("endpoint_id", endpointId);
        }
        return o;
    }

    static ObjectNode error(ObjectMapper json, String code, String message, String requestId) {
        return json.createObjectNode().put("code", code).put("message", message).put("request_id", requestId);
    }
}
