package dev.strata.server;

import dev.strata.server.cli.AuditCommand;
import dev.strata.server.cli.CommandTree;
import dev.strata.server.cli.CliFailure;
import dev.strata.server.cli.CompletionCommand;
import dev.strata.server.cli.ConfigCommand;
import dev.strata.server.cli.DemoCommand;
import dev.strata.server.cli.KeysCommand;
import dev.strata.server.cli.OperationsCommand;
import dev.strata.server.cli.MigrateCommand;
import dev.strata.server.cli.NeonLocalCommand;
import dev.strata.server.cli.PlanesCommand;
import dev.strata.server.cli.QueryCommand;
import dev.strata.server.cli.ServeCommand;
import dev.strata.server.cli.StrataVersion;
import dev.strata.server.cli.TenantsCommand;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.CommandRoot;
import dev.strata.server.cli.Launcher;
import dev.strata.server.cli.LogOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code strata}: the command line. {@code serve} runs the control plane, {@code demo} shows
 * isolation at work in-process, and the admin commands ({@code tenants ...}, {@code operations ...},
 * {@code audit}, {@code migrate ...}, {@code keys ...}; {@code keys reset-admin} works locally) are
 * thin clients of the REST API.
 *
 * <p>Exit codes: 0 success; 2 usage error; for an error the API reported, its
 * {@link dev.strata.ErrorCode#exitCode()}; 11 no API key; 12 server unreachable; 1 anything else
 * (and a failed audit or demo check).
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataVersion.class,
        description = "Strata: multi-tenant data isolation for PostgreSQL.")
public final class Main implements Runnable, CommandRoot {
    /** Every command, in the order the help lists them. */
    static final CommandTree COMMANDS = CommandTree.of(
            CommandTree.command(ServeCommand.class),
            CommandTree.command(DemoCommand.class),
            CommandTree.group(TenantsCommand.class, TenantsCommand.SUBCOMMANDS),
            CommandTree.group(OperationsCommand.class, OperationsCommand.SUBCOMMANDS),
            CommandTree.command(AuditCommand.class),
            CommandTree.group(MigrateCommand.class, MigrateCommand.SUBCOMMANDS),
            CommandTree.command(KeysCommand.class),
            CommandTree.command(NeonLocalCommand.class),
            CommandTree.command(PlanesCommand.class),
            CommandTree.group(ConfigCommand.class, ConfigCommand.SUBCOMMANDS),
            CommandTree.needsWholeTree(CompletionCommand.class),
            CommandTree.command(QueryCommand.class),
            CommandTree.needsWholeTree(CommandLine.HelpCommand.class));

    private final Environment environment;

    @Spec
    private CommandSpec spec;

    @CommandLine.Mixin
    LogOptions logging;

    public Main(Environment environment) {
        this.environment = environment;
    }

    @Override
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
        Main root = new Main(environment);
        return Launcher.execute(COMMANDS.build(root, args), root, out, err, args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: try 'strata demo', 'strata serve' or 'strata --help'");
    }
}
