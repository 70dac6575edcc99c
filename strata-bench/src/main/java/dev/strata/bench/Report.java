package dev.strata.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects results and prints them as a table or as JSON. */
final class Report {
    private final List<Result> results = new ArrayList<>();

    synchronized void add(Result r) {
        results.add(r);
        System.err.printf(Locale.ROOT, "  %-44s %14.2f %-6s baseline %12.2f  ratio %7.3f  %s%n", r.name(), r.value(), r.unit(),
                r.baseline(), r.ratio(), r.target() == null ? "" : r.target() + (r.met() ? " met" : " NOT met"));
    }

    void printTable(PrintStream out, Map<String, Object> machine) {
        out.println();
        out.printf(Locale.ROOT, "%-44s %14s %-6s %14s %8s  %-16s %s%n", "benchmark", "value", "unit", "baseline", "ratio",
                "target", "met");
        for (Result r : results) {
            out.printf(Locale.ROOT, "%-44s %14.2f %-6s %14.2f %8.3f  %-16s %s%n", r.name(), r.value(), r.unit(), r.baseline(),
                    r.ratio(), r.target() == null ? "-" : r.target(), r.met() == null ? "-" : r.met() ? "yes" : "NO");
        }
        out.println();
        machine.forEach((k, v) -> out.println("  " + k + ": " + v));
    }

    void printJson(PrintStream out, Map<String, Object> machine) throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Result r : results) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("value", round(r.value()));
            row.put("unit", r.unit());
            row.put("baseline", round(r.baseline()));
            row.put("ratio", round(r.ratio()));
            row.put("target", r.target());
            row.put("met", r.met());
            rows.add(row);
        }
        doc.put("results", rows);
        doc.put("machine", machine);
        out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
