package dev.strata.server.testing;

import dev.strata.PostgresServer;
import dev.strata.server.Main;
import dev.strata.server.runtime.Environment;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/** Runs {@code strata ...} in-process with an environment of the test's choosing and captures its output. */
public final class Cli {
    private Cli() {
    }

    /** What one command line did. */
    public record Run(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs with no environment variables and a home directory of its own. */
    public static Run run(Path home, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new Environment(env, home), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A libpq URL of a server, with its credentials. */
    public static String url(PostgresServer server) {
        String auth = enc(server.user()) + (server.password() == null ? "" : ":" + enc(server.password()));
        return "postgresql://" + auth + "@" + server.host() + ":" + server.port() + "/" + enc(server.database());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
