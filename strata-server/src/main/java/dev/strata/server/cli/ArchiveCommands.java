package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static dev.strata.server.cli.ApiClient.segment;

/** {@code strata tenants export|import}: per-tenant archives, streamed to and from files. */
final class ArchiveCommands {
    private ArchiveCommands() {
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write one tenant's data, whatever its mode, to a portable archive file.")
    static final class Export extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The archive file to write.")
        Path file;
        @Option(names = "--force", description = "Overwrite FILE if it exists.")
        boolean force;

        /**
         * Downloads into a temporary file beside the target and moves it into place only once
         * complete, so a broken download never leaves a truncated archive under the target's name.
         */
        @Override
        int run(ApiClient api) {
            Path target = file.toAbsolutePath();
            if (Files.exists(target) && !force) {
                throw CliFailure.invalid(target + " exists: pass --force to overwrite it");
            }
            if (target.getParent() != null && !Files.isDirectory(target.getParent())) {
                throw CliFailure.invalid("directory " + target.getParent() + " does not exist");
            }
            Path temp = target.resolveSibling("." + target.getFileName() + ".part-" + UUID.randomUUID());
            try {
                long bytes = api.download("/v1/tenants/" + segment(key) + "/export", temp);
                move(temp, target);
                if (json()) {
                    printJson(dev.strata.server.api.Json.mapper().createObjectNode()
                            .put("file", target.toString()).put("bytes", bytes));
                } else {
                    out().println("Exported tenant '" + key + "' to " + target + " (" + bytes + " bytes).");
                }
                return 0;
            } finally {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temporary name says what it is
                }
            }
        }

        private static void move(Path temp, Path target) {
            try {
                try {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new CliFailure(CliFailure.GENERAL, "cannot write " + target + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Restore a tenant from an archive file, in any mode, after verifying its counts and checksums.")
    static final class Import extends ClientCommand {
        @Parameters(paramLabel = "FILE", description = "The archive written by 'strata tenants export'.")
        Path file;
        @Option(names = "--mode", paramLabel = "rls|schema|database", description = "Isolation mode of the restored tenant (default: hybrid).")
        String mode;
        @Option(names = "--parent", paramLabel = "KEY", description = "Parent T1 of a restored T2 (default: the archived parent).")
        String parent;
        @Option(names = "--as-new-slug", paramLabel = "SLUG", description = "Slug of the restored tenant (default: the archived slug).")
        String newSlug;

        @Override
        int run(ApiClient api) {
            if (!Files.isRegularFile(file)) {
                throw CliFailure.invalid("cannot read " + file.toAbsolutePath() + ": no such file");
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("mode", mode);
            query.put("parent", parent);
            query.put("slug", newSlug);
            JsonNode answer = api.upload("/v1/tenants/import" + ApiClient.query(query), file, "application/zip");
            if (json()) {
                printJson(answer);
                return 0;
            }
            JsonNode tenant = answer.get("tenant");
            JsonNode manifest = answer.get("manifest");
            out().println("Imported tenant '" + text(tenant, "slug") + "' (" + text(manifest, "total_rows")
                    + " rows in " + manifest.get("tables").size() + " tables verified).");
            TenantText.block(out(), tenant);
            return 0;
        }
    }
}
