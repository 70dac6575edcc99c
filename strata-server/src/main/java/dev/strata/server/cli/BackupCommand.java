package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.api.DurationText;
import dev.strata.server.api.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import static dev.strata.server.cli.ApiClient.segment;

/**
 * {@code strata tenants backup KEY} (now; {@code backup create KEY} is the same and also reaches a tenant
 * slugged {@code create}, {@code list} or {@code schedule}), {@code backup list KEY}, {@code backup schedule KEY
 * --every 6h [--keep N] | --off}: clients of {@code /v1/tenants/{key}/backups}.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Back a tenant up now (a checksummed archive in the server's --backup-dir), list its backups, "
                + "or back it up on a schedule. Restore one with 'strata tenants restore'."},
        subcommands = {BackupCommand.Create.class, BackupCommand.ListBackups.class, BackupCommand.Schedule.class})
final class BackupCommand extends BackupTaking {
    @Parameters(paramLabel = "KEY", arity = "0..1", description = "Id or slug of the tenant to back up now "
            + "(for a tenant slugged create, list or schedule: 'backup create KEY').")
    String key;

    @Override
    void checkOptions() {
        if (key == null) {
            throw new ParameterException(spec.commandLine(), "Missing the tenant: 'strata tenants backup KEY' backs it up now; "
                    + "see also 'backup list KEY' and 'backup schedule KEY --every 6h'");
        }
    }

    @Override
    int run(ApiClient api) {
        return backUp(api, key);
    }

    static String path(String key) {
        return "/v1/tenants/" + segment(key) + "/backups";
    }

    /** Prints a tenant's backups and schedule as the API answered them. */
    abstract static class Listing extends ClientCommand {
        int print(JsonNode listing, String summary) {
            if (json()) {
                printJson(listing);
                return 0;
            }
            if (summary != null) {
                out().println(summary);
            }
            JsonNode schedule = listing.get("schedule");
            out().println(schedule == null || schedule.isNull() ? "Schedule: none"
                    : "Schedule: every " + text(schedule, "every") + ", keeping " + schedule.path("keep").asInt()
                    + ", next at " + text(schedule, "next_due")
                    + (text(schedule, "last_error") == null ? "" : " (last one failed: " + text(schedule, "last_error") + ")"));
            TextTable table = new TextTable("ID", "TAKEN AT", "STATUS", "TRIGGER", "SIZE", "ERROR");
            for (JsonNode b : listing.path("backups")) {
                table.row(text(b, "id"), text(b, "taken_at"), text(b, "status"),
                        text(b, "trigger") + (text(b, "label") == null ? "" : " (" + text(b, "label") + ")"),
                        b.path("size_bytes").asLong(), text(b, "error") == null ? "" : text(b, "error"));
            }
            table.print(out());
            return 0;
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Back a tenant up now (the same as 'strata tenants backup KEY').")
    static final class Create extends BackupTaking {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant to back up now.")
        String tenant;

        @Override
        int run(ApiClient api) {
            return backUp(api, tenant);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List a tenant's backups, newest first, and its schedule.")
    static final class ListBackups extends Listing {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;

        @Override
        int run(ApiClient api) {
            return print(api.get(path(key)), null);
        }
    }

    @Command(name = "schedule", mixinStandardHelpOptions = true,
            description = "Back a tenant up every --every (at least 1m), keeping the newest --keep; or stop with --off.")
    static final class Schedule extends Listing {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @Option(names = "--every", paramLabel = "DURATION", description = "The period, e.g. 6h or 1d (at least 1m).")
        String every;
        @Option(names = "--keep", paramLabel = "N", description = "How many scheduled backups to keep (default 7).")
        Integer keep;
        @Option(names = "--off", description = "Stop the scheduled backups (the backups stay).")
        boolean off;

        @Override
        void checkOptions() {
            if (off && (every != null || keep != null)) {
                throw new ParameterException(spec.commandLine(), "--off cannot be combined with --every or --keep");
            }
            if (!off && every == null) {
                throw new ParameterException(spec.commandLine(), "Missing --every DURATION (e.g. --every 6h), or --off");
            }
            if (every != null && DurationText.parse(every).isEmpty()) {
                throw new ParameterException(spec.commandLine(), "Invalid value for --every: '" + every + "': use "
                        + DurationText.ACCEPTED);
            }
        }

        @Override
        int run(ApiClient api) {
            if (off) {
                return print(api.delete(path(key) + "/schedule"), "Tenant '" + key + "' is no longer backed up on a schedule.");
            }
            ObjectNode body = Json.mapper().createObjectNode().put("every", every);
            if (keep != null) {
                body.put("keep", keep);
            }
            return print(api.put(path(key) + "/schedule", body), "Tenant '" + key + "' is backed up every " + every + ".");
        }
    }
}
