package dev.strata.server.cli;

import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.runtime.ClientContexts;
import dev.strata.server.runtime.Environment;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Options every admin command shares: where the API is, which key to use, how to print. */
public final class ClientOptions {
    static final String DEFAULT_API = "http://127.0.0.1:8080";

    @Option(names = "--api", paramLabel = "URL",
            description = "Base URL of the Strata REST API (default: the --context's, else $STRATA_API, else the current "
                    + "context's, else " + DEFAULT_API + ").")
    String api;

    @Option(names = "--key", paramLabel = "KEY",
            description = "API key (default: the --context's key file, else $STRATA_API_KEY, else the current context's "
                    + "key file, else the data dir's admin-key file). Prefer a context or the variable: command lines are "
                    + "visible to other users.")
    String key;

    @Option(names = "--context", paramLabel = "NAME",
            description = "Use this context's API URL and key (default: $STRATA_CONTEXT, else the current context; "
                    + "see 'strata config get-contexts').")
    String context;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory whose admin-key is used (default: $STRATA_HOME, else ~/.strata).")
    Path dataDir;

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json|yaml",
            description = "Output format: table (default: text for people), json (the API's answer as is, pretty-printed) "
                    + "or yaml (the same as YAML).")
    String output;

    /** The context named by --context or STRATA_CONTEXT (which must exist), if any. */
    private java.util.Optional<ClientContexts.Context> chosenContext(Environment env) {
        String name = context != null ? context : env.get("STRATA_CONTEXT").orElse(null);
        if (name == null) {
            return java.util.Optional.empty();
        }
        ClientContexts all = contexts(env);
        return java.util.Optional.of(all.get(name.strip()).orElseThrow(() -> CliFailure.invalid("no context '" + name
                + "'" + (context != null ? "" : " (named by STRATA_CONTEXT)") + ": "
                + (all.contexts().isEmpty() ? "none is defined; create one with 'strata config set-context NAME --api-url URL "
                + "--api-key-file FILE'" : "use one of " + String.join(", ", all.contexts().keySet())))));
    }

    private java.util.Optional<ClientContexts.Context> currentContext(Environment env) {
        return contexts(env).currentContext();
    }

    private ClientContexts contexts(Environment env) {
        try {
            return ClientContexts.load(env);
        } catch (IOException e) {
            throw CliFailure.invalid("cannot read the contexts: " + e.getMessage());
        }
    }

    /** The API's base URL. */
    URI api(Environment env) {
        String text = api;
        if (text == null) {
            text = chosenContext(env).map(ClientContexts.Context::apiUrl).orElse(null);
        }
        if (text == null) {
            text = env.get("STRATA_API").orElse(null);
        }
        if (text == null && context == null && env.get("STRATA_CONTEXT").isEmpty()) {
            text = currentContext(env).map(ClientContexts.Context::apiUrl).orElse(null);
        }
        if (text == null) {
            text = DEFAULT_API;
        }
        URI uri;
        try {
            uri = URI.create(text.replaceAll("/+$", ""));
        } catch (IllegalArgumentException e) {
            throw CliFailure.invalid("'" + text + "' is not a URL: use e.g. " + DEFAULT_API);
        }
        if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
            throw CliFailure.invalid("'" + text + "' is not an http(s) URL: use e.g. " + DEFAULT_API);
        }
        return uri;
    }

    /**
     * The API key: {@code --key}, else the {@code --context}'s key file, else {@code STRATA_API_KEY},
     * else the current context's key file, else the data dir's admin-key file.
     */
    String key(Environment env) {
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        var chosen = chosenContext(env);
        if (chosen.isPresent() && chosen.get().apiKeyFile() != null) {
            return keyFile(Path.of(chosen.get().apiKeyFile()));
        }
        var fromEnv = env.get("STRATA_API_KEY");
        if (fromEnv.isPresent()) {
            return fromEnv.get().strip();
        }
        if (chosen.isEmpty()) {
            var current = currentContext(env);
            if (current.isPresent() && current.get().apiKeyFile() != null) {
                return keyFile(Path.of(current.get().apiKeyFile()));
            }
        }
        Path dir = env.dataDir(dataDir);
        try {
            return AdminKeyFile.read(dir).orElseThrow(() -> new CliFailure(CliFailure.NO_KEY,
                    "no API key: pass --key or set STRATA_API_KEY; " + AdminKeyFile.in(dir) + " does not exist ('strata serve' "
                            + "writes it on its first start; if it was lost, 'strata keys reset-admin --data-dir " + dir
                            + "' makes a new admin key there)"));
        } catch (IOException e) {
            throw new CliFailure(CliFailure.NO_KEY, "no API key: cannot read " + AdminKeyFile.in(dir) + " ("
                    + e.getMessage() + "); pass --key or set STRATA_API_KEY", e);
        }
    }

    private static String keyFile(Path file) {
        try {
            String text = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new CliFailure(CliFailure.NO_KEY, "no API key: the context's key file " + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new CliFailure(CliFailure.NO_KEY, "no API key: cannot read the context's key file " + file + " ("
                    + e.getClass().getSimpleName() + "); fix it with 'strata config set-context NAME --api-key-file FILE'", e);
        }
    }

    /** The output format asked for; a usage error if {@code -o} names none or contradicts {@code --json}. */
    OutputFormat format(picocli.CommandLine commandLine) {
        if (output == null) {
            return json ? OutputFormat.JSON : OutputFormat.TABLE;
        }
        OutputFormat format = OutputFormat.parse(output).orElseThrow(() -> new picocli.CommandLine.ParameterException(
                commandLine, "Invalid value for option '--output': '" + output + "': use table, json or yaml"));
        if (json && format != OutputFormat.JSON) {
            throw new picocli.CommandLine.ParameterException(commandLine,
                    "--json contradicts -o " + output + ": give one of them");
        }
        return format;
    }
}
