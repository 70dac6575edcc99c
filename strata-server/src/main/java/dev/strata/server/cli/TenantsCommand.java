package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.server.runtime.ClientJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.strata.server.cli.ApiClient.segment;

/** {@code strata tenants ...}: the tenant registry through the REST API. */
@Command(name = "tenants", mixinStandardHelpOptions = true,
        description = "Create, list, inspect, suspend, resume, decommission, export and import tenants; "
                + "back them up and restore them; show the busiest and set their limits.")
public final class TenantsCommand implements Runnable {
    /** Its subcommands, in the order its help lists them (built by {@link CommandTree}, only the one called if named). */
    public static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            TenantsCommand.Create.class, TenantsCommand.List.class, TenantsCommand.Show.class,
            TenantsCommand.Suspend.class, TenantsCommand.Resume.class, TenantsCommand.Decommission.class,
            TenantsCommand.History.class, TenantsCommand.Move.class, TopCommand.class, LimitsCommand.class,
            ArchiveCommands.Export.class, ArchiveCommands.Import.class, BackupCommand.class, RestoreCommand.class, BranchCommands.class);

    /** Literal path segments under {@code /v1/tenants/} that a GET of a tenant's key would hit instead. */
    static final java.util.Set<String> RESERVED_SEGMENTS = java.util.Set.of("top");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see 'strata tenants --help'");
    }

    /** Prints a tenant the API answered with, after a one-line summary. */
    abstract static class TenantAnswer extends ClientCommand {
        int print(JsonNode tenant, String summary) {
            if (json()) {
                printJson(tenant);
            } else {
                if (summary != null) {
                    out().println(summary);
                }
                TenantText.block(out(), tenant);
            }
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a T1 (partner) or T2 (customer) tenant.")
    static final class Create extends TenantAnswer {
        @Option(names = "--tier", required = true, paramLabel = "1|2", description = "1 for a partner, 2 for a customer.")
        String tier;
        @Option(names = "--slug", required = true, paramLabel = "SLUG", description = "2-63 characters of a-z, 0-9, '-', starting with a letter.")
        String slug;
        @Option(names = "--parent", paramLabel = "KEY", description = "Id or slug of the parent T1 (required for a T2).")
        String parent;
        @Option(names = "--name", paramLabel = "NAME", description = "Display name (default: the slug).")
        String name;
        @Option(names = "--mode", paramLabel = "rls|schema|database",
                description = "Isolation mode (default: database for a T1, rls inside its T1's database for a T2).")
        String mode;
        @Option(names = "--region", paramLabel = "REGION", description = "Data-residency label; a T1 is placed on an "
                + "active data plane of this region with room (once any plane declares a region).")
        String region;
        @Option(names = "--plane", paramLabel = "KEY", description = "The data plane a T1's data goes to "
                + "(see `strata planes list`); a T2 lives on its T1's plane.")
        String plane;

        @Override
        void checkOptions() {
            level();
        }

        /** The tier as the API takes it: the number 1 or 2. */
        private int level() {
            return switch (tier.strip()) {
                case "1" -> 1;
                case "2" -> 2;
                case "0" -> throw new CliFailure(ErrorCode.INVALID_HIERARCHY.exitCode(), "tier 0 is the platform operator, "
                        + "which exists once and is not created: --tier 1 creates a partner, --tier 2 a customer ("
                        + ErrorCode.INVALID_HIERARCHY + ")");
                default -> throw new CliFailure(ErrorCode.INVALID_ARGUMENT.exitCode(), "invalid --tier '" + tier
                        + "': use 1 for a partner or 2 for a customer (" + ErrorCode.INVALID_ARGUMENT + ")");
            };
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = ClientJson.object().put("tier", level()).put("slug", slug);
            putIfSet(body, "parent", parent);
            putIfSet(body, "name", name);
            putIfSet(body, "mode", mode);
            putIfSet(body, "region", region);
            putIfSet(body, "plane", plane);
            JsonNode t = api.post("/v1/tenants", body);
            return print(t, "Created " + TenantText.tier(t) + " tenant '" + text(t, "slug") + "'.");
        }

        private static void putIfSet(ObjectNode body, String field, String value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants, optionally filtered.")
    static final class List extends ClientCommand {
        @Option(names = "--tier", paramLabel = "0|1|2", description = "Only tenants of this tier.")
        String tier;
        @Option(names = "--parent", paramLabel = "KEY", description = "Only children of this tenant (id or slug).")
        String parent;
        @Option(names = "--status", paramLabel = "STATUS", description = "Only tenants in this status (active, suspended, decommissioned, ...).")
        String status;
        @Option(names = "--all", description = "Also list decommissioned tenants (left out by default).")
        boolean all;
        @CommandLine.Mixin
        Paging paging;

        @Override
        void checkOptions() {
            if (tier != null && !java.util.Set.of("0", "1", "2").contains(tier.strip())) {
                throw CliFailure.invalid("invalid --tier '" + tier + "': use 0 (the operator), 1 (partners) or 2 (customers)"
                        + " (INVALID_ARGUMENT)");
            }
            if (tier != null) {
                tier = tier.strip();
            }
        }

        @Override
        int run(ApiClient api) {
            Map<String, String> filters = new LinkedHashMap<>();
            filters.put("tier", tier);
            filters.put("parent", parent);
            filters.put("status", status);
            filters.put("all", all ? "true" : null);
            JsonNode answer = list(api, "/v1/tenants", filters, "tenants", paging);
            if (json()) {
                printJson(answer);
            } else {
                TenantText.table(out(), answer.get("tenants"));
                hintNextPage(answer);
            }
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one tenant.")
    static final class Show extends TenantAnswer {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;

        @Override
        int run(ApiClient api) {
            return print(api.get(tenantPath(api, key)), null);
        }

        /**
         * The path that shows the tenant {@code key}. {@code /v1/tenants/top} is the activity
         * route, so a tenant slugged {@code top} is looked up through its history, which names its id.
         */
        private static String tenantPath(ApiClient api, String key) {
            if (RESERVED_SEGMENTS.contains(key)) {
                return "/v1/tenants/" + segment(api.get("/v1/tenants/" + segment(key) + "/history").get("tenant_id").asText());
            }
            return "/v1/tenants/" + segment(key);
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Move a tenant online to another isolation mode, database or data plane; waits with a "
                    + "progress bar unless --detach.")
    static final class Move extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @Option(names = "--to", required = true, paramLabel = "rls|schema|database", description = "The mode to move to.")
        String to;
        @Option(names = "--plane", paramLabel = "KEY", description = "The data plane to move to (default: the tenant's).")
        String plane;
        @Option(names = "--into", paramLabel = "DATABASE",
                description = "For a T1 moving to rls: the shared RLS database to consolidate it into.")
        String into;
        @Option(names = "--force-region", description = "Accept a target plane of another region than the tenant's.")
        boolean forceRegion;
        @Option(names = "--freeze-wait", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long the tenant's transactions wait during the cutover (default 5s).")
        java.time.Duration freezeWait;
        @Option(names = "--detach", description = "Return at once with the operation; follow it with 'strata operations show'.")
        boolean detach;

        @Override
        int run(ApiClient api) {
            ObjectNode body = ClientJson.object();
            body.put("to", to);
            if (plane != null) {
                body.put("plane", plane);
            }
            if (into != null) {
                body.put("into", into);
            }
            if (forceRegion) {
                body.put("force_region", true);
            }
            if (freezeWait != null) {
                body.put("freeze_wait_ms", freezeWait.toMillis());
            }
            JsonNode operation = api.post("/v1/tenants/" + segment(key) + "/move", body);
            String id = text(operation, "id");
            if (!detach) {
                long start = System.nanoTime();
                ProgressDisplay display = ProgressDisplay.of(json() ? ProgressDisplay.Mode.NONE : ProgressDisplay.Mode.AUTO,
                        out());
                while ("running".equals(text(operation, "state"))) {
                    display.update(operation.path("progress").path("done").asInt(),
                            operation.path("progress").path("total").asInt(), 0, (System.nanoTime() - start) / 1_000_000);
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                    operation = api.get("/v1/operations/" + segment(id));
                }
                display.finish(operation.path("progress").path("done").asInt(),
                        operation.path("progress").path("total").asInt(), 0, (System.nanoTime() - start) / 1_000_000);
            }
            if (json()) {
                printJson(operation);
            } else {
                String state = text(operation, "state");
                out().println(switch (state == null ? "" : state) {
                    case "running" -> "Moving tenant '" + key + "' (operation " + id + "): follow it with 'strata operations show "
                            + id + "'.";
                    case "succeeded" -> "Moved tenant '" + key + "' to " + to + " (operation " + id + ").";
                    default -> "The move of tenant '" + key + "' ended " + state + " (operation " + id + "): "
                            + text(operation, "error");
                });
                OperationsCommand.block(out(), operation);
            }
            String state = text(operation, "state");
            if (detach || "succeeded".equals(state)) {
                return 0;
            }
            throw CliFailure.fromProblem("INTERNAL",
                    "the move of tenant '" + key + "' ended " + state + ": " + text(operation, "error"));
        }
    }

    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Stop all work of a tenant (and, for a T1, of its T2s) until it is resumed.")
    static final class Suspend extends TenantAnswer {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;

        @Override
        int run(ApiClient api) {
            JsonNode t = api.post("/v1/tenants/" + segment(key) + "/suspend", null);
            return print(t, "Suspended tenant '" + text(t, "slug") + "'.");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Let a suspended tenant work again.")
    static final class Resume extends TenantAnswer {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;

        @Override
        int run(ApiClient api) {
            JsonNode t = api.post("/v1/tenants/" + segment(key) + "/resume", null);
            return print(t, "Resumed tenant '" + text(t, "slug") + "'.");
        }
    }

    @Command(name = "decommission", mixinStandardHelpOptions = true,
            description = "Delete a tenant's data for good; its registry entry and history stay.")
    static final class Decommission extends TenantAnswer {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @Option(names = "--confirm", description = "Required: confirms that the data is to be deleted.")
        boolean confirm;
        @Option(names = "--cascade", description = "Also decommission a T1's live T2s.")
        boolean cascade;

        @Override
        int run(ApiClient api) {
            if (!confirm) {
                JsonNode tenant = api.get(Show.tenantPath(api, key));
                throw new CliFailure(ErrorCode.CONFIRMATION_REQUIRED.exitCode(), "decommissioning '"
                        + text(tenant, "slug") + "' deletes its data for good: pass --confirm"
                        + (cascade || tenant.path("tier").asInt() != 1 ? "" : " (and --cascade if its T2s are to go too)")
                        + " (CONFIRMATION_REQUIRED)");
            }
            ObjectNode body = ClientJson.object().put("confirm", confirm).put("cascade", cascade);
            JsonNode t = api.post("/v1/tenants/" + segment(key) + "/decommission", body);
            return print(t, "Decommissioned tenant '" + text(t, "slug") + "'.");
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "Show a tenant's history, oldest first.")
    static final class History extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @CommandLine.Mixin
        Paging paging;

        @Override
        int run(ApiClient api) {
            JsonNode answer = list(api, "/v1/tenants/" + segment(key) + "/history", Map.of(), "events", paging);
            if (json()) {
                printJson(answer);
                return 0;
            }
            TextTable table = new TextTable("AT", "ACTION", "ACTOR", "DETAIL");
            for (JsonNode e : answer.get("events")) {
                JsonNode detail = e.get("detail");
                table.row(text(e, "at"), text(e, "action"), text(e, "actor"),
                        detail == null || detail.isEmpty() ? null : detail.toString());
            }
            table.print(out());
            hintNextPage(answer);
            return 0;
        }
    }
}
