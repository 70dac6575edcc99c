package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.runtime.ClientJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata query --all-tenants "SELECT ..."}: T0 analytics through {@code POST /v1/query}. The
 * rows of every tenant database and schema print as they arrive, each with its tenant and target:
 * a table (default), CSV ({@code --csv}, with a header) or the API's JSON lines ({@code --json}).
 * The targets that failed go to standard error after the rows (the others' rows are all printed);
 * the exit code is then 1.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Run one read-only query in every tenant database and schema (T0 analytics); "
                + "exit code 1 if any target failed.")
public final class QueryCommand extends ClientCommand {
    @Option(names = "--all-tenants", required = true,
            description = "Run the query in every tenant database and schema (required: the only scope served).")
    boolean allTenants;

    @Parameters(index = "0", paramLabel = "SQL", description = "One SELECT, WITH ... SELECT, VALUES or TABLE statement.")
    String sql;

    @Option(names = "--csv", description = "Print CSV with a header line (tenant_id, tenant, target, then the query's columns).")
    boolean csv;

    @Option(names = "--concurrency", paramLabel = "N", description = "Targets queried at once (1-64, default 4).")
    Integer concurrency;

    @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time limit of the query in each target (default 30s).")
    Duration statementTimeout;

    @Override
    void checkOptions() {
        if (csv && json()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--csv and --json exclude each other");
        }
    }

    @Override
    int run(ApiClient api) {
        ObjectNode body = ClientJson.object();
        body.put("sql", sql);
        body.put("all_tenants", true);
        if (concurrency != null) {
            body.put("concurrency", concurrency);
        }
        if (statementTimeout != null) {
            body.put("statement_timeout_ms", statementTimeout.toMillis());
        }
        List<JsonNode> rows = new ArrayList<>();
        JsonNode[] summary = new JsonNode[1];
        JsonNode[] error = new JsonNode[1];
        boolean[] header = new boolean[1];
        api.postLines("/v1/query", body, line -> {
            String type = text(line, "type");
            if ("summary".equals(type)) {
                summary[0] = line;
            } else if ("error".equals(type)) {
                error[0] = line;
            }
            if (json()) {
                out().println(line.toString());
                out().flush();
                return;
            }
            if (!"row".equals(type)) {
                return;
            }
            if (csv) {
                if (!header[0]) {
                    List<String> cells = new ArrayList<>(List.of("tenant_id", "tenant", "target"));
                    line.path("columns").forEach(c -> cells.add(c.asText()));
                    out().println(csvLine(cells));
                    header[0] = true;
                }
                List<String> cells = new ArrayList<>();
                cells.add(text(line, "tenant_id"));
                cells.add(text(line, "tenant"));
                cells.add(text(line, "target"));
                line.path("values").forEach(v -> cells.add(v.isNull() ? null : v.isTextual() ? v.asText() : v.toString()));
                out().println(csvLine(cells));
                out().flush();
            } else {
                rows.add(line);
            }
        });
        if (!json() && !csv) {
            printTable(rows);
        }
        if (error[0] != null) {
            err().println("error: " + text(error[0], "detail") + " (" + text(error[0], "code") + ")");
            err().flush();
            return CliFailure.GENERAL;
        }
        if (summary[0] == null) {
            err().println("error: the server's answer ended before its summary");
            err().flush();
            return CliFailure.GENERAL;
        }
        JsonNode failures = summary[0].path("failures");
        if (!json() && !failures.isEmpty()) {
            err().printf("error: %d of %d targets failed (%d rows from the others):%n", failures.size(),
                    summary[0].path("targets").asInt(), summary[0].path("rows").asLong());
            for (JsonNode f : failures) {
                err().printf("failed: %s (%s): %s [%s]%n", text(f, "target"), String.join(", ",
                        toList(f.path("tenants"))), text(f, "message"), text(f, "code"));
            }
            err().flush();
        }
        return failures.isEmpty() ? 0 : CliFailure.GENERAL;
    }

    private void printTable(List<JsonNode> rows) {
        List<String> columns = new ArrayList<>(List.of("TENANT", "TARGET"));
        if (!rows.isEmpty()) {
            rows.get(0).path("columns").forEach(c -> columns.add(c.asText()));
        }
        TextTable table = new TextTable(columns.toArray(String[]::new));
        for (JsonNode row : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(text(row, "tenant") == null ? "-" : text(row, "tenant"));
            cells.add(text(row, "target"));
            row.path("values").forEach(v -> cells.add(v.isNull() ? "" : v.isTextual() ? v.asText() : v.toString()));
            while (cells.size() < columns.size()) {
                cells.add("");
            }
            table.row((Object[]) cells.subList(0, columns.size()).toArray(String[]::new));
        }
        table.print(out());
        out().flush();
    }

    private static List<String> toList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** One CSV record (RFC 4180): fields with a comma, quote or line break are quoted; null is empty. */
    static String csvLine(List<String> cells) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String c = cells.get(i);
            if (c == null) {
                continue;
            }
            if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0 || c.indexOf('\r') >= 0) {
                b.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
