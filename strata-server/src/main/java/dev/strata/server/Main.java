package dev.strata.server;

import dev.strata.StrataException;
import dev.strata.server.cli.AuditCommand;
import dev.strata.server.cli.CliFailure;
import dev.strata.server.cli.DemoCommand;
import dev.strata.server.cli.OperationsCommand;
import dev.strata.server.cli.MigrateCommand;
import dev.strata.server.cli.ServeCommand;
import dev.strata.server.cli.StrataVersion;
import dev.strata.server.cli.TenantsCommand;
import dev.strata.server.runtime.Environment;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code strata}: the command line. {@code serve} runs the control plane, {@code demo} shows
 * isolation at work in-process, and the admin commands ({@code tenants ...}, {@code operations ...},
 * {@code audit}, {@code migrate ...}) are
 * thin clients of the REST API.
 *
 * <p>Exit codes: 0 success; 2 usage error; for an error the API reported, its
 * {@link dev.strata.ErrorCode#exitCode()}; 11 no API key; 12 server unreachable; 1 anything else
 * (and a failed audit or demo check).
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataVersion.class,
        description = "Strata: multi-tenant data isolation for PostgreSQL.",
        subcommands = {ServeCommand.class, DemoCommand.class, TenantsCommand.class, OperationsCommand.class, AuditCommand.class,
                MigrateCommand.class,
                dev.strata.server.cli.QueryCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private final Environment environment;

    @Spec
    private CommandSpec spec;

    public Main(Environment environment) {
        this.environment = environment;
    }

    /** The environment the command runs in. */
    public Environment environment() {
        return environment;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = execute(Environment.system(), out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs one command line and returns its exit code; prints to {@code out} and {@code err}. */
    public static int execute(Environment environment, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main(environment));
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
            LoggerFactory.getLogger(Main.class).error("Unexpected failure", e);
            err.println("error: unexpected " + e);
            return 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: try 'strata demo', 'strata serve' or 'strata --help'");
    }
}
