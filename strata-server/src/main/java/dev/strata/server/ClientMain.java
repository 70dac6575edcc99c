package dev.strata.server;

import dev.strata.server.cli.AuditCommand;
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
import java.util.List;
import java.util.Map;

/**
 * The client commands of {@code strata} alone ({@code tenants}, {@code operations}, {@code audit},
 * {@code migrate}, {@code config}, {@code completion}): the same commands as {@link Main}'s, without
 * {@code serve} and {@code demo}, so starting it loads neither the HTTP server nor Strata's engine,
 * only picocli, Jackson and the JDK's HTTP client. {@code bin/strata} picks it for those commands.
 *
 * <p>picocli reads a command's annotations, and those of all its subcommands, when the command line
 * is built, which costs more than the request itself: when the first argument names a subcommand,
 * only that one is built. Any other command line ({@code --help}, {@code help tenants}, a root
 * option first) gets the whole tree, and {@code completion} is {@link Main}'s, so that its script
 * covers every command.
 */
@Command(name = "strata", mixinStandardHelpOptions = true, versionProvider = StrataVersion.class,
        description = "Strata: multi-tenant data isolation for PostgreSQL (client commands).")
public final class ClientMain implements Runnable, CommandRoot {
    /** The subcommands, in the order the help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(TenantsCommand.class, OperationsCommand.class,
            AuditCommand.class, MigrateCommand.class, ConfigCommand.class, CompletionCommand.class,
            CommandLine.HelpCommand.class);
    /** The subcommands that a first argument can name, by that name. */
    private static final Map<String, Class<?>> BY_NAME = Map.of("tenants", TenantsCommand.class,
            "operations", OperationsCommand.class, "audit", AuditCommand.class, "migrate", MigrateCommand.class,
            "config", ConfigCommand.class);

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
        CommandLine cli = new CommandLine(root);
        Class<?> named = args.length > 0 ? BY_NAME.get(args[0]) : null;
        for (Class<?> command : named != null ? List.of(named) : COMMANDS) {
            cli.addSubcommand(command);
        }
        return Launcher.execute(cli, root, out, err, args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing command: try 'strata tenants list' or 'strata --help'");
    }
}
