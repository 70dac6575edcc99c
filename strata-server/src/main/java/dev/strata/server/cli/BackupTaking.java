package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;

/** Takes a backup now and prints it. */
abstract class BackupTaking extends ClientCommand {
    int backUp(ApiClient api, String key) {
        JsonNode backup = api.post(BackupCommand.path(key), null);
        if (json()) {
            printJson(backup);
            return 0;
        }
        out().println("Backed up tenant '" + key + "': backup " + text(backup, "id") + ".");
        block(backup);
        return 0;
    }

    void block(JsonNode b) {
        TextTable.block(out(), new String[][] {
                {"id", text(b, "id")},
                {"taken at", text(b, "taken_at")},
                {"status", text(b, "status")},
                {"size", b.path("size_bytes").asLong() + " bytes"},
                {"sha-256", text(b, "sha256")},
                {"file", text(b, "path") == null ? "(on the server)" : text(b, "path")},
        });
    }
}
