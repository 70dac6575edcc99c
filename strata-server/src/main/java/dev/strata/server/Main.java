package dev.strata.server;

import dev.strata.StrataException;
import dev.strata.server.cli.AuditCommand;
import dev.strata.server.cli.CliFailure;
import dev.strata.server.cli.CompletionCommand;
import dev.strata.server.cli.ConfigCommand;
import dev.strata.server.cli.DemoCommand;
import dev.strata.server.cli.OperationsCommand;
import dev.strata.server.cli.MigrateCommand;
import dev.strata.server.cli.ServeCommand;
import dev.strata.server.cli.StrataVersion;
import dev.strata.server.cli.TenantsCommand;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.Logging;
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
                MigrateCommand.class, ConfigCommand.class, CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    private final Environment environment;

    @Spec
    private CommandSpec spec;

    @CommandLine.Option(names = "--log-level", paramLabel = "LEVEL", scope = CommandLine.ScopeType.INHERIT,
            description = "Log level: error, warn, info, debug or trace (default: $STRATA_LOG_LEVEL, else info).")
    String logLevel;

    @CommandLine.Option(names = "--log-format", paramLabel = "text|json", scope = CommandLine.ScopeType.INHERIT,
            description = "Log format on standard error: text lines or one JSON object per line "
                    + "(default: $STRATA_LOG_FORMAT, else text).")
    String logFormat;

    @CommandLine.Option(names = "--log-zone", paramLabel = "ZONE", scope = CommandLine.ScopeType.INHERIT,
            description = "Time zone of the log timestamps, e.g. UTC or Europe/Berlin (default: $STRATA_LOG_ZONE, else "
                    + "the system's); they always carry date, time and offset.")
    String logZone;

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
        cli.setExecutionStrategy(parseResult -> {
            ((Main) cli.getCommand()).applyLogging(parseResult.commandSpec().commandLine());
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cli.execute(args);
    }

    /** Applies --log-level, --log-format and --log-zone (or their variables); a bad value is a usage error. */
    private void applyLogging(CommandLine commandLine) {
        String level = setting(logLevel, "STRATA_LOG_LEVEL", "info");
        String format = setting(logFormat, "STRATA_LOG_FORMAT", "text");
        String zone = setting(logZone, "STRATA_LOG_ZONE", java.time.ZoneId.systemDefault().getId());
        var lvl = Logging.level(level).orElseThrow(() -> new CommandLine.ParameterException(commandLine,
                "Invalid log level '" + level + "' (" + source(logLevel, "--log-level", "STRATA_LOG_LEVEL")
                        + "): use error, warn, info, debug or trace"));
        var fmt = Logging.format(format).orElseThrow(() -> new CommandLine.ParameterException(commandLine,
                "Invalid log format '" + format + "' (" + source(logFormat, "--log-format", "STRATA_LOG_FORMAT")
                        + "): use text or json"));
        java.time.ZoneId zoneId;
        try {
            zoneId = java.time.ZoneId.of(zone.strip());
        } catch (java.time.DateTimeException e) {
            throw new CommandLine.ParameterException(commandLine, "Invalid log zone '" + zone + "' ("
                    + source(logZone, "--log-zone", "STRATA_LOG_ZONE") + "): use a zone id such as UTC or Europe/Berlin");
        }
        Logging.configure(lvl, fmt, zoneId);
    }

    private String setting(String option, String variable, String fallback) {
        return option != null ? option : environment.get(variable).orElse(fallback);
    }

    private static String source(String option, String flag, String variable) {
        return option != null ? flag : variable;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: try 'strata demo', 'strata serve' or 'strata --help'");
    }
}
