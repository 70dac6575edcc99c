package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.api.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import static dev.strata.server.cli.ApiClient.segment;

/** {@code strata tenants restore KEY --backup ID | --to TIMESTAMP [--preserve-as NAME]}: a client of {@code POST /v1/tenants/{key}/restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = {"Restore a tenant's data: from one of its backups (--backup ID), or to a moment (--to TIMESTAMP): "
                + "through its plane's point-in-time restore where the plane keeps a history (Neon), otherwise from its "
                + "newest backup taken at or before that moment, which is said plainly."})
final class RestoreCommand extends ClientCommand {
    @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
    String key;
    @Option(names = "--backup", paramLabel = "ID", description = "The backup to restore (see 'strata tenants backup list').")
    String backup;
    @Option(names = "--to", paramLabel = "TIMESTAMP", description = "ISO-8601 time with offset, e.g. 2026-12-01T06:00:00Z.")
    String to;
    @Option(names = "--preserve-as", paramLabel = "NAME", description = "Keep the current state first, under this name.")
    String preserveAs;

    @Override
    void checkOptions() {
        if ((backup == null) == (to == null)) {
            throw new ParameterException(spec.commandLine(), "Give exactly one of --backup ID and --to TIMESTAMP");
        }
        if (to != null) {
            try {
                OffsetDateTime.parse(to.strip());
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "Invalid value for --to: '" + to
                        + "': use an ISO-8601 time with its offset, e.g. 2026-12-01T06:00:00Z");
            }
        }
    }

    @Override
    int run(ApiClient api) {
        ObjectNode body = Json.mapper().createObjectNode();
        if (backup != null) {
            body.put("backup", backup);
        } else {
            body.put("to", to);
        }
        if (preserveAs != null) {
            body.put("preserve_as", preserveAs);
        }
        JsonNode result = api.post("/v1/tenants/" + segment(key) + "/restore", body);
        if (json()) {
            printJson(result);
            return 0;
        }
        out().println(text(result, "message"));
        TextTable.block(out(), new String[][] {
                {"operation", text(result, "operation")},
                {"point in time", result.path("point_in_time").asBoolean() ? "yes (the plane's history)" : "no (a backup)"},
                {"backup", text(result, "backup") == null ? "-" : text(result, "backup")},
                {"preserved as", text(result, "preserved") == null ? "-" : "backup " + text(result, "preserved")},
                {"finished", result.path("finished").asBoolean() ? "yes" : "no: follow it with 'strata operations show "
                        + text(result, "operation") + "'"},
        });
        return 0;
    }
}
