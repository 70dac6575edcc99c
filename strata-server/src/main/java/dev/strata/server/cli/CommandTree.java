package dev.strata.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Arrays;
import java.util.List;

/**
 * The tree of {@code strata}'s commands, built into a picocli {@link CommandLine} for one command
 * line. picocli reads the annotations of every command it is handed, which costs a client command
 * more than its request: so when the arguments start with the names of commands ({@code tenants
 * list ...}), only the commands on that path are built; anything else ({@code --help}, {@code
 * tenants --help}, a misspelt name, an option before the name) gets the whole tree, and parses and
 * prints exactly as it would with all of it. Groups therefore list their subcommands here rather
 * than in their {@code @Command(subcommands = ...)}. Immutable and thread-safe.
 */
public final class CommandTree {
    private final List<Node> commands;

    private CommandTree(List<Node> commands) {
        this.commands = List.copyOf(commands);
    }

    /** A tree of these top-level commands, in the order the help lists them. */
    public static CommandTree of(Node... commands) {
        return new CommandTree(Arrays.asList(commands));
    }

    /** A command without subcommands of its own here (it may still declare some in its annotation). */
    public static Node command(Class<?> command) {
        return new Node(command, List.of(), false);
    }

    /** A command whose subcommands are these, in the order its help lists them. */
    public static Node group(Class<?> command, List<Class<?>> subcommands) {
        return new Node(command, subcommands.stream().map(CommandTree::command).toList(), false);
    }

    /** A command that works on the whole tree ({@code help}, {@code completion}): naming it builds all. */
    public static Node needsWholeTree(Class<?> command) {
        return new Node(command, List.of(), true);
    }

    /** A command class and its subcommands. */
    public record Node(Class<?> command, List<Node> subcommands, boolean wholeTree) {
        public Node {
            subcommands = List.copyOf(subcommands);
        }

        boolean isNamed(String arg) {
            Command annotation = command.getAnnotation(Command.class);
            return annotation.name().equals(arg) || Arrays.asList(annotation.aliases()).contains(arg);
        }
    }

    /** The command line of {@code root} with the commands {@code args} need (all, unless they start with a path). */
    public CommandLine build(Object root, String... args) {
        CommandLine cli = new CommandLine(root);
        Node first = args.length == 0 ? null : find(commands, args[0]);
        if (first != null && first.wholeTree()) {
            first = null;
        }
        addPath(cli, commands, first, args, 1);
        return cli;
    }

    /** Adds {@code named} (all of {@code nodes} if null), following the path of {@code args} from {@code next}. */
    private static void addPath(CommandLine parent, List<Node> nodes, Node named, String[] args, int next) {
        for (Node node : named == null ? nodes : List.of(named)) {
            parent.addSubcommand(node.command());
            if (node.subcommands().isEmpty()) {
                continue;
            }
            CommandLine added = parent.getSubcommands().get(node.command().getAnnotation(Command.class).name());
            Node child = named != null && next < args.length ? find(node.subcommands(), args[next]) : null;
            addPath(added, node.subcommands(), child, args, next + 1);
        }
    }

    private static Node find(List<Node> nodes, String arg) {
        for (Node node : nodes) {
            if (node.isNamed(arg)) {
                return node;
            }
        }
        return null;
    }
}
