package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.api.DurationText;
import dev.strata.server.runtime.ClientJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.strata.server.cli.ApiClient.segment;

/**
 * {@code strata tenants limits KEY}: shows the limits a tenant runs with; with all three of
 * {@code --max-concurrent}, {@code --acquire-timeout} and {@code --statement-timeout} gives it
 * limits of its own; with {@code --clear} returns it to its tier's.
 */
@Command(name = "limits", mixinStandardHelpOptions = true,
        description = {"Show a tenant's limits; set limits of its own (all three of --max-concurrent, --acquire-timeout "
                + "and --statement-timeout); or return it to its tier's (--clear). Changes apply to its next "
                + "transaction in every Strata process."})
final class LimitsCommand extends ClientCommand {
    private static final String SET_OPTIONS = and(List.of("--max-concurrent", "--acquire-timeout", "--statement-timeout"));

    @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
    String key;
    @Option(names = "--max-concurrent", paramLabel = "N",
            description = "Most transactions it may run at once in each Strata process.")
    Integer maxConcurrent;
    @Option(names = "--acquire-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a caller over that cap waits for a slot before it is throttled, e.g. 500ms or 2s.")
    Duration acquireTimeout;
    @Option(names = "--statement-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "PostgreSQL statement_timeout of each of its transactions, e.g. 5s or 1m; 0 for none.")
    Duration statementTimeout;
    @Option(names = "--clear", description = "Return it to its tier's limits.")
    boolean clear;

    @Override
    void checkOptions() {
        List<String> given = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        (maxConcurrent != null ? given : missing).add("--max-concurrent");
        (acquireTimeout != null ? given : missing).add("--acquire-timeout");
        (statementTimeout != null ? given : missing).add("--statement-timeout");
        if (clear && !given.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--clear cannot be combined with " + and(given)
                    + ": either clear the tenant's limits or set all three of " + SET_OPTIONS);
        }
        if (!given.isEmpty() && !missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "Missing " + and(missing) + ": "
                    + SET_OPTIONS + " set a tenant's limits together");
        }
        if (maxConcurrent != null && maxConcurrent < 1) {
            throw CliFailure.invalid("--max-concurrent must be 1 or more, was " + maxConcurrent + " (INVALID_ARGUMENT)");
        }
        requireTimeout("--acquire-timeout", acquireTimeout);
        requireTimeout("--statement-timeout", statementTimeout);
    }

    private static void requireTimeout(String option, Duration value) {
        if (value != null && (value.isNegative() || value.compareTo(dev.strata.TenantLimits.MAX_TIMEOUT) > 0)) {
            throw CliFailure.invalid(option + " must be from 0 to " + DurationText.format(dev.strata.TenantLimits.MAX_TIMEOUT)
                    + ", was " + value + " (INVALID_ARGUMENT)");
        }
    }

    private static String and(List<String> options) {
        return options.size() == 1 ? options.get(0)
                : String.join(", ", options.subList(0, options.size() - 1)) + " and " + options.get(options.size() - 1);
    }

    @Override
    int run(ApiClient api) {
        String path = "/v1/tenants/" + segment(key) + "/limits";
        JsonNode limits;
        String summary;
        if (clear) {
            limits = api.delete(path);
            summary = "Tenant '" + text(limits, "slug") + "' runs with its tier's limits.";
        } else if (maxConcurrent != null) {
            ObjectNode body = ClientJson.object()
                    .put("max_concurrent_transactions", maxConcurrent)
                    .put("acquire_timeout_ms", acquireTimeout.toMillis())
                    .put("statement_timeout_ms", statementTimeout.toMillis());
            limits = api.put(path, body);
            summary = "Set the limits of tenant '" + text(limits, "slug") + "'.";
        } else {
            limits = api.get(path);
            summary = null;
        }
        if (json()) {
            printJson(limits);
            return 0;
        }
        if (summary != null) {
            out().println(summary);
        }
        long max = limits.path("max_concurrent_transactions").asLong();
        long statement = limits.path("statement_timeout_ms").asLong();
        TextTable.block(out(), new String[][] {
                {"tenant", text(limits, "slug") + " (" + text(limits, "tenant_id") + ")"},
                {"source", "tenant".equals(text(limits, "source")) ? "its own" : "its tier's"},
                {"max concurrent", max == Integer.MAX_VALUE ? "unlimited" : max + " transactions per process"},
                {"acquire timeout", DurationText.format(Duration.ofMillis(limits.path("acquire_timeout_ms").asLong()))},
                {"statement timeout", statement == 0 ? "none" : DurationText.format(Duration.ofMillis(statement))},
        });
        return 0;
    }
}
