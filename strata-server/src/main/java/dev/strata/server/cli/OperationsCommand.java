package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import static dev.strata.server.cli.ApiClient.segment;
import static dev.strata.server.cli.ClientCommand.text;

/** {@code strata operations ...}: long-running operations through the REST API. */
@Command(name = "operations", mixinStandardHelpOptions = true,
        description = "List and inspect long-running operations (provisioning, decommissioning, imports, migrations); "
                + "resume or abort one whose process died.")
public final class OperationsCommand implements Runnable {
    /** Its subcommands, in the order its help lists them (built by {@link CommandTree}, only the one called if named). */
    public static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            OperationsCommand.List.class, OperationsCommand.Show.class, OperationsCommand.Resume.class,
            OperationsCommand.Abort.class);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata operations --help'");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List operations, newest first, optionally filtered.")
    static final class List extends ClientCommand {
        @Option(names = "--state", paramLabel = "STATE",
                description = "Only operations in this state: running, succeeded, failed, rolled_back or aborted.")
        String state;
        @Option(names = "--kind", paramLabel = "KIND", description = "Only operations of this kind: provision, decommission, import, migrate, move, drain or restore.")
        String kind;
        @Option(names = "--tenant", paramLabel = "KEY", description = "Only operations of this tenant (id or slug).")
        String tenant;
        @CommandLine.Mixin
        Paging paging;

        @Override
        int run(ApiClient api) {
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("state", state);
            filters.put("kind", kind);
            filters.put("tenant", tenant);
            JsonNode answer = list(api, "/v1/operations", filters, "operations", paging);
            if (json()) {
                printJson(answer);
                return 0;
            }
            TextTable table = new TextTable("ID", "KIND", "TENANT", "STATE", "PHASE", "PROGRESS", "STARTED", "OWNER");
            for (JsonNode o : answer.get("operations")) {
                table.row(text(o, "id"), text(o, "kind"), tenant(o), text(o, "state"), text(o, "phase"), progress(o),
                        text(o, "started_at"), text(o, "owner"));
            }
            table.print(out());
            hintNextPage(answer);
            return 0;
        }
    }

    /** Prints an operation the API answered with, after a one-line summary. */
    abstract static class OperationAnswer extends ClientCommand {
        @Parameters(paramLabel = "ID", description = "The operation's id (as 'strata operations list' shows it).")
        String id;

        int print(JsonNode operation, String summary) {
            if (json()) {
                printJson(operation);
                return 0;
            }
            if (summary != null) {
                out().println(summary);
            }
            block(out(), operation);
            return 0;
        }

        @Override
        void checkOptions() {
            if (id.isBlank()) {
                throw CliFailure.invalid("an operation id is required: see 'strata operations list'");
            }
        }

        String path() {
            return "/v1/operations/" + segment(id);
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one operation: phase, progress, steps, error, owner and lease.")
    static final class Show extends OperationAnswer {
        @Override
        int run(ApiClient api) {
            return print(api.get(path()), null);
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Finish an operation whose process died (its lease expired) or that failed; refused while its owner lives.")
    static final class Resume extends OperationAnswer {
        @Override
        int run(ApiClient api) {
            JsonNode o = api.post(path() + "/resume", null);
            return print(o, "Resumed operation " + text(o, "id") + ": " + text(o, "state") + ".");
        }
    }

    @Command(name = "abort", mixinStandardHelpOptions = true,
            description = "Undo an operation whose process died (its lease expired) or that failed, and mark it aborted; "
                    + "refused while its owner lives.")
    static final class Abort extends OperationAnswer {
        @Override
        int run(ApiClient api) {
            JsonNode o = api.post(path() + "/abort", null);
            return print(o, "Aborted operation " + text(o, "id") + ": " + text(o, "state") + ".");
        }
    }

    private static String tenant(JsonNode o) {
        return text(o, "tenant") != null ? text(o, "tenant") : text(o, "tenant_id");
    }

    private static String progress(JsonNode o) {
        JsonNode p = o.path("progress");
        return p.path("total").asInt() == 0 ? null : p.path("done").asInt() + "/" + p.path("total").asInt();
    }

    /** One operation as {@code key: value} lines, then its steps. */
    static void block(PrintWriter out, JsonNode o) {
        TextTable.block(out, new String[][] {
                {"id", text(o, "id")},
                {"kind", text(o, "kind")},
                {"tenant", text(o, "tenant") == null ? text(o, "tenant_id")
                        : text(o, "tenant") + " (" + text(o, "tenant_id") + ")"},
                {"state", text(o, "state")},
                {"phase", text(o, "phase")},
                {"progress", progress(o)},
                {"error", text(o, "error")},
                {"owner", text(o, "owner")},
                {"lease until", text(o, "lease_expires_at")},
                {"started", text(o, "started_at")},
                {"finished", text(o, "finished_at")},
                {"attempts", text(o, "attempts")},
        });
        if (o.path("steps").size() > 0) {
            out.println();
            TextTable table = new TextTable("STEP", "STARTED", "FINISHED");
            for (JsonNode s : o.get("steps")) {
                table.row(text(s, "name"), text(s, "started_at"), text(s, "finished_at"));
            }
            table.print(out);
        }
    }
}
