package dev.strata.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.Main;
import dev.strata.server.api.Json;
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

    @Override
    public final Integer call() {
        checkOptions();
        Environment env = environment();
        return run(new ApiClient(options.api(env), options.key(env)));
    }

    /** The environment the command runs in. */
    Environment environment() {
        return ((Main) spec.root().userObject()).environment();
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

    boolean json() {
        return options.json();
    }

    /** Prints the API's JSON as is, pretty-printed. */
    void printJson(JsonNode node) {
        try {
            out().println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A parsed tree always serialises", e);
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
