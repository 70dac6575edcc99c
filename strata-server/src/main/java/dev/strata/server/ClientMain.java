package dev.strata.server;

import dev.strata.server.cli.AuditCommand;
import dev.strata.server.cli.CommandTree;
import dev.strata.server.cli.CompletionCommand;
import dev.strata.server.cli.ConfigCommand;
import dev.strata.server.cli.Launcher;
import dev.strata.server.cli.LogOptions;
import dev.strata.server.cli.MigrateCommand;
import dev.strata.server.cli.OperationsCommand;
import dev.strata.server.cli.StrataVersion;
import dev.strata.server.cli.TenantsCommand;
import dev.strata.server.runtime.CommandRoot;
import dev.strata.server.runtime.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The client commands of {@code strata} alone ({@code tenants}, {@code operations}, {@code audit},
 * {@code migrate}, {@code config}, {@code completion}): the same commands as {@link Main}'s, without
 * {@code serve} and {@code demo}, so starting it loads neither the HTTP server nor Strata's engine,
 * only picocli, Jackson's parser and generator and {@code HttpURLConnection}. {@code bin/strata}
 * picks it for those commands.
 *
 * <p>Only the commands on the path the arguments name are built ({@link CommandTree});
 * {@code completion} is {@link Main}'s, so that its script covers every command.
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataVersion.class,
        description = "Strata: multi-tenant data isolation for PostgreSQL (client commands).")
public final class ClientMain implements Runnable, CommandRoot {
    /** The client commands, in the order the help lists them. */
    private static final CommandTree COMMANDS = CommandTree.of(
            CommandTree.group(TenantsCommand.class, TenantsCommand.SUBCOMMANDS),
            CommandTree.group(OperationsCommand.class, OperationsCommand.SUBCOMMANDS),
            CommandTree.command(AuditCommand.class),
            CommandTree.group(MigrateCommand.class, MigrateCommand.SUBCOMMANDS),
            CommandTree.group(ConfigCommand.class, ConfigCommand.SUBCOMMANDS),
            CommandTree.needsWholeTree(CompletionCommand.class),
            CommandTree.needsWholeTree(CommandLine.HelpCommand.class));

    private final Environment environment;

    @Spec
    private CommandSpec spec;

    @CommandLine.Mixin
    LogOptions logging;

    public ClientMain(Environment environment) {
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
        if (args.length > 0 && args[0].equals("completion")) {
            return Main.execute(environment, out, err, args);
        }
        ClientMain root = new ClientMain(environment);
        return Launcher.execute(COMMANDS.build(root, args), root, out, err, args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: try 'strata tenants list' or 'strata --help'");
    }
}
