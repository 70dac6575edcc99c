package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;

import static dev.strata.server.cli.ClientCommand.text;

/** How the admin commands print tenants for people. */
final class TenantText {
    private TenantText() {
    }

    static String tier(JsonNode tenant) {
        return tenant.hasNonNull("tier") ? "T" + tenant.get("tier").asInt() : null;
    }

    /** One tenant as {@code key: value} lines. */
    static void block(PrintWriter out, JsonNode t) {
        String parent = text(t, "parent") == null ? null : text(t, "parent") + " (" + text(t, "parent_id") + ")";
        TextTable.block(out, new String[][] {
                {"id", text(t, "id")},
                {"slug", text(t, "slug")},
                {"name", text(t, "name")},
                {"tier", tier(t)},
                {"parent", parent},
                {"status", text(t, "status")},
                {"mode", text(t, "mode")},
                {"database", text(t, "database")},
                {"schema", text(t, "schema")},
                {"region", text(t, "region")},
                {"plane", text(t, "plane")},
                {"created", text(t, "created_at")},
                {"updated", text(t, "updated_at")},
        });
        JsonNode compute = t.path("compute");
        if (compute.isObject()) {
            String woken = compute.path("last_woken_at").isNull() ? "never (since Strata placed it)"
                    : text(compute, "last_woken_at") + " (took " + text(compute, "last_wake_ms") + " ms)";
            TextTable.block(out, new String[][] {
                    {"neon project", text(compute, "project_id")},
                    {"neon branch", text(compute, "branch_id")},
                    {"neon endpoint", text(compute, "endpoint_id")},
                    {"last woken", woken},
                    {"cold starts", text(compute, "cold_starts")},
            });
        }
    }

    /** Tenants as an aligned table. */
    static void table(PrintWriter out, JsonNode tenants) {
        TextTable table = new TextTable("SLUG", "TIER", "PARENT", "STATUS", "MODE", "DATABASE", "SCHEMA", "ID");
        for (JsonNode t : tenants) {
            table.row(text(t, "slug"), tier(t), text(t, "parent"), text(t, "status"), text(t, "mode"),
                    text(t, "database"), text(t, "schema"), text(t, "id"));
        }
        table.print(out);
    }
}
