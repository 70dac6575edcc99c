package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code strata tenants top}: the busiest tenants of a recent window, like Citus's {@code citus_stat_tenants}. */
@Command(name = "top", mixinStandardHelpOptions = true,
        description = "Show the busiest tenants of a recent window, summed over every Strata process: most transactions first.")
final class TopCommand extends ClientCommand {
    @Option(names = "--limit", paramLabel = "N", description = "At most N tenants, 1-1000 (default: 10).")
    Integer limit;
    @Option(names = "--window", paramLabel = "DURATION",
            description = "How far back to look, 1m to 7d: e.g. 90s, 5m, 2h, 1d or PT5M (default: 5m).")
    String window;

    @Override
    int run(ApiClient api) {
        Map<String, String> query = new LinkedHashMap<>();
        query.put("limit", limit == null ? null : limit.toString());
        query.put("window", window);
        JsonNode answer = api.get("/v1/tenants/top" + ApiClient.query(query));
        if (json()) {
            printJson(answer);
            return 0;
        }
        TextTable table = new TextTable("SLUG", "TIER", "TX", "TPS", "ERRORS", "THROTTLED", "MEAN MS", "MAX MS");
        for (JsonNode t : answer.get("tenants")) {
            table.row(text(t, "slug"), TenantText.tier(t), text(t, "transactions"), decimal(t, "tps"), text(t, "errors"),
                    text(t, "throttled"), decimal(t, "mean_latency_ms"), decimal(t, "max_latency_ms"));
        }
        table.print(out());
        return 0;
    }

    private static String decimal(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : String.format(Locale.ROOT, "%.2f", value.asDouble());
    }
}
