package dev.strata.server.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.runtime.ClientContexts;
import dev.strata.server.runtime.ClientJson;
import dev.strata.server.runtime.Environment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code strata config ...}: the command line's named contexts (API URL and key file), like
 * kubectl's: {@code set-context}, {@code use-context}, {@code get-contexts}, {@code current-context},
 * {@code delete-context}. Stored in {@link ClientContexts#file}, mode 0600; keys stay in their own files.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Named contexts: which API URL and key file the client commands use.")
public final class ConfigCommand implements Runnable {
    /** Its subcommands, in the order its help lists them (built by {@link CommandTree}, only the one called if named). */
    public static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            ConfigCommand.SetContext.class, ConfigCommand.UseContext.class, ConfigCommand.GetContexts.class,
            ConfigCommand.CurrentContext.class, ConfigCommand.DeleteContext.class);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata config --help'");
    }

    /** A config subcommand: reads and writes the contexts file. */
    abstract static class ContextCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        Environment env() {
            return ((dev.strata.server.runtime.CommandRoot) spec.root().userObject()).environment();
        }

        ClientContexts load() {
            try {
                return ClientContexts.load(env());
            } catch (IOException e) {
                throw CliFailure.invalid("cannot read the contexts: " + e.getMessage());
            }
        }

        void save(ClientContexts contexts) {
            try {
                contexts.save(env());
            } catch (IOException e) {
                throw new CliFailure(CliFailure.GENERAL, "cannot write " + ClientContexts.file(env()) + ": " + e.getMessage(), e);
            }
        }

        String name(String name) {
            if (!ClientContexts.NAME.matcher(name).matches()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Invalid context name '" + name
                        + "': use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
            return name;
        }

        String known(ClientContexts all, String name) {
            if (all.get(name).isEmpty()) {
                throw CliFailure.invalid("no context '" + name + "': " + (all.contexts().isEmpty()
                        ? "none is defined; create one with 'strata config set-context NAME --api-url URL --api-key-file FILE'"
                        : "use one of " + String.join(", ", all.contexts().keySet())));
            }
            return name;
        }

        java.io.PrintWriter out() {
            return spec.commandLine().getOut();
        }
    }

    @Command(name = "set-context", mixinStandardHelpOptions = true,
            description = "Create a context or change the settings given of an existing one.")
    static final class SetContext extends ContextCommand {
        @Parameters(paramLabel = "NAME", description = "The context's name.")
        String name;
        @Option(names = "--api-url", paramLabel = "URL", description = "Base URL of the Strata REST API.")
        String apiUrl;
        @Option(names = "--api-key-file", paramLabel = "FILE",
                description = "File holding the API key (read at each use; the key itself is not copied).")
        Path apiKeyFile;

        @Override
        public Integer call() {
            name(name);
            String url = null;
            if (apiUrl != null) {
                url = apiUrl.strip().replaceAll("/+$", "");
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw CliFailure.invalid("'" + apiUrl + "' is not a URL: use e.g. " + ClientOptions.DEFAULT_API);
                }
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    throw CliFailure.invalid("'" + apiUrl + "' is not an http(s) URL: use e.g. " + ClientOptions.DEFAULT_API);
                }
            }
            String keyFile = null;
            if (apiKeyFile != null) {
                Path file = apiKeyFile.toAbsolutePath().normalize();
                if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                    throw CliFailure.invalid("cannot read the key file " + file + ": give a file that holds the API key");
                }
                keyFile = file.toString();
            }
            ClientContexts all = load();
            ClientContexts.Context old = all.get(name).orElse(new ClientContexts.Context(null, null));
            if (url == null && keyFile == null && all.get(name).isPresent()) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "Nothing to change: give --api-url and/or --api-key-file");
            }
            ClientContexts.Context changed = new ClientContexts.Context(url != null ? url : old.apiUrl(),
                    keyFile != null ? keyFile : old.apiKeyFile());
            boolean created = all.get(name).isEmpty();
            save(all.with(name, changed));
            out().println((created ? "Created" : "Changed") + " context '" + name + "'"
                    + (name.equals(all.current()) ? " (the current one)." : ": make it current with 'strata config use-context "
                    + name + "'."));
            return 0;
        }
    }

    @Command(name = "use-context", mixinStandardHelpOptions = true, description = "Make a context the current one.")
    static final class UseContext extends ContextCommand {
        @Parameters(paramLabel = "NAME", description = "The context's name.")
        String name;

        @Override
        public Integer call() {
            ClientContexts all = load();
            save(all.withCurrent(known(all, name)));
            out().println("Switched to context '" + name + "'.");
            return 0;
        }
    }

    @Command(name = "delete-context", mixinStandardHelpOptions = true, description = "Delete a context (its key file stays).")
    static final class DeleteContext extends ContextCommand {
        @Parameters(paramLabel = "NAME", description = "The context's name.")
        String name;

        @Override
        public Integer call() {
            ClientContexts all = load();
            save(all.without(known(all, name)));
            out().println("Deleted context '" + name + "'.");
            return 0;
        }
    }

    @Command(name = "current-context", mixinStandardHelpOptions = true, description = "Print the current context's name.")
    static final class CurrentContext extends ContextCommand {
        @Override
        public Integer call() {
            ClientContexts all = load();
            if (all.current() == null) {
                throw CliFailure.invalid("no current context: set one with 'strata config use-context NAME'");
            }
            out().println(all.current());
            return 0;
        }
    }

    @Command(name = "get-contexts", mixinStandardHelpOptions = true, description = "List the contexts; * marks the current one.")
    static final class GetContexts extends ContextCommand {
        @Option(names = {"-o", "--output"}, paramLabel = "table|json|yaml", description = "Output format (default: table).")
        String output;
        @Option(names = "--json", description = "Same as -o json.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            OutputFormat format = output == null ? (json ? OutputFormat.JSON : OutputFormat.TABLE)
                    : OutputFormat.parse(output).orElseThrow(() -> new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--output': '" + output + "': use table, json or yaml"));
            ClientContexts all = load();
            if (format == OutputFormat.TABLE) {
                TextTable table = new TextTable("CURRENT", "NAME", "API URL", "KEY FILE");
                all.contexts().forEach((name, c) -> table.row(name.equals(all.current()) ? "*" : "", name, c.apiUrl(),
                        c.apiKeyFile()));
                table.print(out());
                return 0;
            }
            ObjectNode root = ClientJson.object();
            root.put("current_context", all.current());
            var list = root.putArray("contexts");
            all.contexts().forEach((name, c) -> list.addObject().put("name", name).put("current", name.equals(all.current()))
                    .put("api_url", c.apiUrl()).put("api_key_file", c.apiKeyFile()));
            out().print(format == OutputFormat.YAML ? YamlText.write(root)
                    : ClientJson.pretty(root) + "\n");
            return 0;
        }
    }
}
