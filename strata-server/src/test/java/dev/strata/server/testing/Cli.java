package dev.strata.server.testing;

import dev.strata.ErrorCode;
import dev.strata.PostgresServer;
import dev.strata.server.Main;
import dev.strata.server.runtime.Environment;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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

    /** What one command line did, with its raw standard output (for archives written to {@code -}). */
    public record BinaryRun(int exitCode, byte[] stdout, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + " (" + stdout.length + " bytes on stdout)\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** Runs with the given standard input and captures standard output as bytes. */
    public static BinaryRun runWithStdio(Path home, Map<String, String> env, byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        int code = Main.execute(new Environment(env, home, new java.io.ByteArrayInputStream(stdin), stdout),
                new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new BinaryRun(code, stdout.toByteArray(), out.toString(), err.toString());
    }

    /** Runs with no environment variables and a home directory of its own. */
    public static Run run(Path home, Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new Environment(env, home), new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    /** That the command succeeded: exit code 0 and nothing on standard error. */
    public static void assertSucceeded(Run run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).as(run.toString()).isEmpty();
    }

    /**
     * That the command failed as {@code code} says: its exit code, nothing on standard output, and
     * one line on standard error, {@code error: <detail> (<CODE>)}.
     */
    public static void assertFailed(Run run, ErrorCode code) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(code.exitCode());
        assertThat(run.out()).as(run.toString()).isEmpty();
        assertThat(run.err().lines().toList()).as(run.toString()).hasSize(1);
        assertThat(run.err()).as(run.toString()).startsWith("error: ").endsWith(" (" + code.name() + ")\n");
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
