package dev.strata.server.cli;

import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.runtime.Environment;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Options every admin command shares: where the API is, which key to use, how to print. */
public final class ClientOptions {
    static final String DEFAULT_API = "http://127.0.0.1:8080";

    @Option(names = "--api", paramLabel = "URL",
            description = "Base URL of the Strata REST API (default: $STRATA_API, else " + DEFAULT_API + ").")
    String api;

    @Option(names = "--key", paramLabel = "KEY",
            description = "API key (default: $STRATA_API_KEY, else the data dir's admin-key file). "
                    + "Prefer the variable: command lines are visible to other users.")
    String key;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory whose admin-key is used (default: $STRATA_HOME, else ~/.strata).")
    Path dataDir;

    @Option(names = "--json", description = "Print the API's JSON answer as is (pretty-printed).")
    boolean json;

    /** The API's base URL. */
    URI api(Environment env) {
        String text = api != null ? api : env.get("STRATA_API").orElse(DEFAULT_API);
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

    /** The API key: {@code --key}, else {@code STRATA_API_KEY}, else the data dir's admin-key file. */
    String key(Environment env) {
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        var fromEnv = env.get("STRATA_API_KEY");
        if (fromEnv.isPresent()) {
            return fromEnv.get().strip();
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

    boolean json() {
        return json;
    }
}
