package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.api.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import static dev.strata.server.cli.ApiClient.segment;

/**
 * {@code strata tenants branch create|list|delete}: dev and staging branches of a T1 on a Neon
 * plane, through {@code /v1/tenants/{key}/branches}.
 */
@Command(name = "branch", mixinStandardHelpOptions = true,
        description = "Dev and staging branches of a T1 on a Neon plane: create, list, delete.",
        subcommands = {BranchCommands.Create.class, BranchCommands.List.class, BranchCommands.Delete.class})
public final class BranchCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata tenants branch --help'");
    }

    private static String path(String t1) {
        return "/v1/tenants/" + segment(t1) + "/branches";
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a branch of the T1's production branch with a role of its own; prints its connection "
                    + "string, this once (Strata does not keep the password).")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "T1", description = "Id or slug of the T1.")
        String t1;
        @Option(names = "--name", required = true, paramLabel = "NAME",
                description = "1-40 characters of a-z, 0-9 and '-', starting with a letter (e.g. dev, staging).")
        String name;
        @Option(names = "--from-timestamp", paramLabel = "TIMESTAMP",
                description = "Branch production as it was at this moment (ISO 8601, e.g. 2026-01-02T03:04:05Z).")
        String fromTimestamp;

        @Override
        void checkOptions() {
            if (fromTimestamp != null) {
                try {
                    java.time.Instant.parse(fromTimestamp.strip());
                } catch (java.time.format.DateTimeParseException e) {
                    throw CliFailure.invalid("invalid --from-timestamp '" + fromTimestamp
                            + "': use an ISO 8601 instant such as 2026-01-02T03:04:05Z (INVALID_ARGUMENT)");
                }
            }
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = Json.mapper().createObjectNode().put("name", name);
            if (fromTimestamp != null) {
                body.put("from_timestamp", fromTimestamp.strip());
            }
            JsonNode b = api.post(path(t1), body);
            if (json()) {
                printJson(b);
                return 0;
            }
            out().println("Created branch '" + text(b, "name") + "' of tenant '" + text(b, "tenant") + "'.");
            block(b);
            out().println();
            out().println("Connection string (shown this once; Strata does not keep the password):");
            out().println("  " + text(b, "connection_uri"));
            return 0;
        }

        private void block(JsonNode b) {
            TextTable.block(out(), new String[][] {
                    {"name", text(b, "name")},
                    {"state", text(b, "state")},
                    {"neon branch", text(b, "neon_branch_id")},
                    {"from", b.path("from_timestamp").isNull() ? "its creation" : text(b, "from_timestamp")},
                    {"role", text(b, "role_name")},
                    {"created", text(b, "created_at")},
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a T1's branches.")
    static final class List extends ClientCommand {
        @Parameters(paramLabel = "T1", description = "Id or slug of the T1.")
        String t1;
        @picocli.CommandLine.Mixin
        Paging paging;

        @Override
        int run(ApiClient api) {
            JsonNode answer = list(api, path(t1), java.util.Map.of(), "branches", paging);
            if (json()) {
                printJson(answer);
                return 0;
            }
            TextTable table = new TextTable("NAME", "STATE", "NEON BRANCH", "FROM", "ROLE", "CREATED");
            for (JsonNode b : answer.get("branches")) {
                table.row(text(b, "name"), text(b, "state"), text(b, "neon_branch_id"),
                        b.path("from_timestamp").isNull() ? "-" : text(b, "from_timestamp"), text(b, "role_name"),
                        text(b, "created_at"));
            }
            table.print(out());
            hintNextPage(answer);
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a branch: its Neon branch, endpoint and role.")
    static final class Delete extends ClientCommand {
        @Parameters(index = "0", paramLabel = "T1", description = "Id or slug of the T1.")
        String t1;
        @Parameters(index = "1", paramLabel = "NAME", description = "The branch's name.")
        String name;

        @Override
        int run(ApiClient api) {
            api.delete(path(t1) + "/" + segment(name));
            if (json()) {
                printJson(Json.mapper().createObjectNode().put("tenant", t1).put("name", name).put("deleted", true));
            } else {
                out().println("Deleted branch '" + name + "' of tenant '" + t1 + "'.");
            }
            return 0;
        }
    }
}
