package dev.strata.server.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.Tenant;
import dev.strata.server.api.Json;

import java.io.PrintWriter;
import java.util.List;

/**
 * What the demo built and found: its tenants and the result of every isolation check, printable
 * as a table for people or as JSON ({@code {"tenants": [...], "isolation": {"checks", "failed", "results"}}}).
 */
public record DemoReport(List<Tenant> tenants, List<CheckResult> results) {

    public DemoReport {
        tenants = List.copyOf(tenants);
        results = List.copyOf(results);
    }

    public long failed() {
        return results.stream().filter(r -> !r.passed()).count();
    }

    /** Whether every check passed. */
    public boolean passed() {
        return failed() == 0;
    }

    public ObjectNode toJson() {
        ObjectNode root = Json.mapper().createObjectNode();
        ArrayNode tenantNodes = root.putArray("tenants");
        for (Tenant t : tenants) {
            tenantNodes.addObject()
                    .put("id", t.id().toString())
                    .put("slug", t.slug())
                    .put("tier", t.tier().level())
                    .put("mode", t.mode().wireName())
                    .put("database", t.placement().database())
                    .put("schema", t.placement().schema());
        }
        ObjectNode isolation = root.putObject("isolation");
        isolation.put("checks", results.size());
        isolation.put("failed", failed());
        ArrayNode resultNodes = isolation.putArray("results");
        for (CheckResult r : results) {
            resultNodes.addObject().put("name", r.name()).put("passed", r.passed()).put("detail", r.detail());
        }
        return root;
    }

    public void print(PrintWriter out) {
        out.println("Tenants");
        int slug = Math.max(4, tenants.stream().mapToInt(t -> t.slug().length()).max().orElse(4));
        int db = Math.max(8, tenants.stream().mapToInt(t -> t.placement().database().length()).max().orElse(8));
        String row = "  %-" + slug + "s  %-4s  %-8s  %-" + db + "s  %s%n";
        out.printf(row, "SLUG", "TIER", "MODE", "DATABASE", "SCHEMA");
        for (Tenant t : tenants) {
            out.printf(row, t.slug(), t.tier(), t.mode().wireName(), t.placement().database(), t.placement().schema());
        }
        out.println();
        out.println("Isolation checks");
        int name = results.stream().mapToInt(r -> r.name().length()).max().orElse(4);
        for (CheckResult r : results) {
            out.printf("  %s  %-" + name + "s  %s%n", r.passed() ? "PASS" : "FAIL", r.name(), r.detail());
        }
        out.println();
        out.println(passed()
                ? "All " + results.size() + " isolation checks passed."
                : failed() + " of " + results.size() + " isolation checks FAILED.");
    }
}
