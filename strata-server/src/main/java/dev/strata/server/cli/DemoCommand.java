package dev.strata.server.cli;

import ch.qos.logback.classic.Level;
import dev.strata.Strata;
import dev.strata.server.api.Json;
import dev.strata.server.demo.Demo;
import dev.strata.server.demo.DemoReport;
import dev.strata.server.runtime.Environment;
import dev.strata.server.runtime.PostgresBackend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code strata demo}: the specification's example topology built in-process, with isolation
 * checks; exit code 0 only if every check passed. Safe to run again and again on the same data.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Build the example topology (T1 alpha with T2s a1, a2; T1 beta with T2 b1), write documents "
                + "as each tenant and check that isolation holds. Exit code 0 only if every check passed.",
                "Uses the embedded PostgreSQL of the data directory (attaching to it if 'strata serve' runs it) "
                        + "unless --database-url is given."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Same as -o json.")
    boolean json;

    @Option(names = {"-o", "--output"}, paramLabel = "table|json|yaml",
            description = "Output format: table (default: the report as text), json or yaml.")
    String output;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of the embedded PostgreSQL (default: $STRATA_HOME, else ~/.strata).")
    Path dataDir;

    @Option(names = "--database-url", paramLabel = "URL",
            description = "PostgreSQL server to use instead of the embedded one (default: $STRATA_DATABASE_URL).")
    String databaseUrl;

    @Option(names = "--migrations", paramLabel = "LOCATION",
            description = "Tenant migrations to run the demo on instead of its own (classpath:<path> or filesystem:<dir>; "
                    + "repeatable; default: $STRATA_MIGRATIONS, comma-separated, else the demo's " + Demo.MIGRATIONS + ").")
    java.util.List<String> migrations;

    @Option(names = "--namespace", hidden = true, defaultValue = "strata", description = "Prefix of every database and role (tests).")
    String namespace;

    @Option(names = "--verbose", description = "Log what Strata does (to stderr).")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Environment env = ((dev.strata.server.runtime.CommandRoot) spec.root().userObject()).environment();
        OutputFormat format = output == null ? (json ? OutputFormat.JSON : OutputFormat.TABLE)
                : OutputFormat.parse(output).orElseThrow(() -> new picocli.CommandLine.ParameterException(spec.commandLine(),
                "Invalid value for option '--output': '" + output + "': use table, json or yaml"));
        if (json && format != OutputFormat.JSON) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--json contradicts -o " + output
                    + ": give one of them");
        }
        json = format != OutputFormat.TABLE;
        if (!verbose) {
            quietLogging();
        }
        PrintWriter out = spec.commandLine().getOut();
        String url = databaseUrl != null ? databaseUrl : env.get("STRATA_DATABASE_URL").orElse(null);
        java.util.List<String> locations = MigrationLocations.resolve(spec, migrations, env, java.util.List.of(Demo.MIGRATIONS));
        DemoReport report;
        try (PostgresBackend backend = PostgresBackend.open(url, env.dataDir(dataDir));
             Strata strata = Strata.configure().server(backend.server()).namespace(namespace)
                     .poolSizePerDatabase(1).tenantMigrations(locations.toArray(String[]::new)).start()) {
            if (!json) {
                out.println("Strata demo: namespace '" + namespace + "' on " + backend.description());
                out.println();
                out.flush();
            }
            report = Demo.run(strata, backend.server());
        }
        if (format == OutputFormat.YAML) {
            out.print(YamlText.write(Json.mapper().valueToTree(report.toJson())));
        } else if (json) {
            out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.toJson()));
        } else {
            report.print(out);
        }
        out.flush();
        return report.passed() ? 0 : 1;
    }

    /** Keeps Strata's progress logs off the terminal; warnings and errors still show. */
    private static void quietLogging() {
        Logger root = LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
        if (root instanceof ch.qos.logback.classic.Logger logback) {
            logback.setLevel(Level.WARN);
        }
    }
}
