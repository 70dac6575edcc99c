package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.runtime.ClientJson;
import dev.strata.server.runtime.Environment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** An admin command: a thin client of the REST API with the shared {@link ClientOptions}. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    ClientOptions options;

    @Spec
    CommandSpec spec;

    private OutputFormat format = OutputFormat.TABLE;

    @Override
    public final Integer call() {
        format = options.format(spec.commandLine());
        checkOptions();
        Environment env = environment();
        return run(new ApiClient(options.api(env), options.key(env)));
    }

    /** The environment the command runs in. */
    Environment environment() {
        return ((dev.strata.server.runtime.CommandRoot) spec.root().userObject()).environment();
    }

    /** Where messages go when standard output carries data (an archive written to {@code -}). */
    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * Refuses contradictory options before a key is looked up or anything is sent, by throwing a
     * {@link picocli.CommandLine.ParameterException} (a usage error: exit code 2). None by default.
     */
    void checkOptions() {
    }

    /** Does the work; returns the exit code. */
    abstract int run(ApiClient api);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Whether the data is to be printed as is ({@code -o json}, {@code -o yaml} or {@code --json}) rather than as text. */
    boolean json() {
        return format != OutputFormat.TABLE;
    }

    /** Prints the API's answer as is: pretty-printed JSON, or YAML with {@code -o yaml}. */
    void printJson(JsonNode node) {
        if (format == OutputFormat.YAML) {
            out().print(YamlText.write(node));
        } else {
            out().println(ClientJson.pretty(node));
        }
    }

    /**
     * A list endpoint's answer: with {@code --limit} or {@code --cursor} one page as the API gave
     * it (its {@code next_cursor} included); without, every page, followed from the first, merged
     * into one answer whose {@code next_cursor} is null.
     */
    JsonNode list(ApiClient api, String path, java.util.Map<String, String> filters, String field, Paging paging) {
        java.util.Map<String, String> query = new java.util.LinkedHashMap<>(filters);
        if (paging.onePage()) {
            query.put("limit", paging.limit == null ? null : paging.limit.toString());
            query.put("cursor", paging.cursor);
            return api.get(path + ApiClient.query(query));
        }
        query.put("limit", "1000");
        JsonNode first = api.get(path + ApiClient.query(query));
        com.fasterxml.jackson.databind.node.ObjectNode merged = first.deepCopy();
        com.fasterxml.jackson.databind.node.ArrayNode items = (com.fasterxml.jackson.databind.node.ArrayNode) merged.get(field);
        JsonNode next = first.get("next_cursor");
        while (next != null && !next.isNull()) {
            query.put("cursor", next.asText());
            JsonNode page = api.get(path + ApiClient.query(query));
            page.get(field).forEach(items::add);
            next = page.get("next_cursor");
        }
        merged.putNull("next_cursor");
        return merged;
    }

    /** After a table of one page: where the next one starts, on standard error (standard output keeps the table). */
    void hintNextPage(JsonNode answer) {
        JsonNode next = answer.get("next_cursor");
        if (next != null && !next.isNull()) {
            err().println("More: add --cursor " + next.asText());
        }
    }

    /** {@code --limit} and {@code --cursor} of a list command. */
    static final class Paging {
        @picocli.CommandLine.Option(names = "--limit", paramLabel = "N",
                description = "Show one page of at most N (1-1000) and where the next starts; "
                        + "without --limit or --cursor every page is fetched.")
        Integer limit;

        @picocli.CommandLine.Option(names = "--cursor", paramLabel = "CURSOR",
                description = "Show the page that starts there: the next_cursor of the previous page (printed after a table).")
        String cursor;

        boolean onePage() {
            return limit != null || cursor != null;
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
