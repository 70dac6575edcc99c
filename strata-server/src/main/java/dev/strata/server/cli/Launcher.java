package dev.strata.server.cli;

import dev.strata.StrataException;
import dev.strata.server.runtime.CommandRoot;
import picocli.CommandLine;

import java.io.PrintWriter;

/**
 * Runs one command line of a {@link CommandRoot}: prints to {@code out} and {@code err}, applies the
 * root's {@link LogOptions}, and turns failures into exit codes (a {@link CliFailure} its own, a
 * {@link StrataException} its error code's, anything else 1 with the details logged).
 */
public final class Launcher {
    private Launcher() {
    }

    public static int execute(CommandRoot root, PrintWriter out, PrintWriter err, String... args) {
        return execute(new CommandLine(root), root, out, err, args);
    }

    /**
     * {@link #execute(CommandRoot, PrintWriter, PrintWriter, String...)} with a command line the
     * caller built for {@code root} (e.g. with only the subcommand that {@code args} name).
     */
    public static int execute(CommandLine cli, CommandRoot root, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof CliFailure failure) {
                err.println("error: " + failure.getMessage());
                return failure.exitCode();
            }
            if (e instanceof StrataException se) {
                err.println("error: " + se.getMessage() + " (" + se.code() + ")");
                return se.code().exitCode();
            }
            org.slf4j.LoggerFactory.getLogger(Launcher.class).error("Unexpected failure", e);
            err.println("error: unexpected " + e);
            return 1;
        });
        cli.setExecutionStrategy(parseResult -> {
            Object options = cli.getCommandSpec().mixins().get("logging").userObject();
            ((LogOptions) options).apply(parseResult.commandSpec().commandLine(), root.environment());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cli.execute(args);
    }
}
