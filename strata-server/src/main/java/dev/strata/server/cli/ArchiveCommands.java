package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.runtime.ClientJson;
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

/** {@code strata tenants export|import}: per-tenant archives, streamed to and from files ({@code -}: standard output or input). */
final class ArchiveCommands {
    /** The file name that means standard output (export) or standard input (import). */
    static final String STDIO = "-";

    private ArchiveCommands() {
    }

    /** Names the option that fixes a refused import, where the server's message cannot know it. */
    static CliFailure withOptionHint(CliFailure failure) {
        String message = failure.getMessage();
        String hint = null;
        if (message.contains("--as-new-slug") || message.contains("--parent")) {
            return failure;
        }
        if (message.endsWith("(DUPLICATE_SLUG)")) {
            hint = "pass --as-new-slug SLUG to restore it under another slug";
        } else if (message.contains("parent") && (message.endsWith("(TENANT_NOT_FOUND)") || message.endsWith("(INVALID_HIERARCHY)")
                || message.endsWith("(TENANT_DECOMMISSIONED)"))) {
            hint = "pass --parent KEY to name the T1 to restore it under";
        } else if (message.endsWith("(ARCHIVE_TOO_LARGE)")) {
            hint = "the server's import limits are set with 'strata serve --max-import-bytes ...'";
        }
        if (hint == null) {
            return failure;
        }
        int code = message.lastIndexOf(" (");
        String withHint = code < 0 ? message + "; " + hint : message.substring(0, code) + "; " + hint + message.substring(code);
        return new CliFailure(failure.exitCode(), withHint, failure);
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Write one tenant's data, whatever its mode, to a portable archive file.")
    static final class Export extends ClientCommand {
        @Parameters(paramLabel = "KEY", description = "Id or slug of the tenant.")
        String key;
        @Option(names = "--out", required = true, paramLabel = "FILE",
                description = "The archive file to write; - for standard output.")
        String file;
        @Option(names = "--force", description = "Overwrite FILE if it exists.")
        boolean force;

        /**
         * Downloads into a temporary file beside the target and moves it into place only once
         * complete, so a broken download never leaves a truncated archive under the target's name.
         */
        @Override
        int run(ApiClient api) {
            if (STDIO.equals(file)) {
                return toStandardOutput(api);
            }
            Path target = Path.of(file).toAbsolutePath();
            if (Files.isDirectory(target)) {
                throw CliFailure.invalid(target + " is a directory: give the archive's file name, e.g. "
                        + target.resolve(key + ".strata.zip"));
            }
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
                    printJson(ClientJson.object()
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

        /** Streams the archive to standard output; the summary goes to standard error. */
        private int toStandardOutput(ApiClient api) {
            long bytes = api.download("/v1/tenants/" + segment(key) + "/export", environment().stdout());
            if (json()) {
                err().println(ClientJson.pretty(ClientJson.object().put("file", STDIO).put("bytes", bytes)));
            } else {
                err().println("Exported tenant '" + key + "' to standard output (" + bytes + " bytes).");
            }
            err().flush();
            return 0;
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
        @Parameters(paramLabel = "FILE", description = "The archive written by 'strata tenants export'; - for standard input.")
        String file;
        @Option(names = "--mode", paramLabel = "rls|schema|database", description = "Isolation mode of the restored tenant (default: hybrid).")
        String mode;
        @Option(names = "--parent", paramLabel = "KEY", description = "Parent T1 of a restored T2 (default: the archived parent).")
        String parent;
        @Option(names = "--as-new-slug", paramLabel = "SLUG", description = "Slug of the restored tenant (default: the archived slug).")
        String newSlug;

        @Override
        int run(ApiClient api) {
            Path path = STDIO.equals(file) ? null : Path.of(file);
            if (path != null && !Files.isRegularFile(path)) {
                throw CliFailure.invalid("cannot read " + path.toAbsolutePath() + ": no such file");
            }
            Map<String, String> query = new LinkedHashMap<>();
            query.put("mode", mode);
            query.put("parent", parent);
            query.put("slug", newSlug);
            String route = "/v1/tenants/import" + ApiClient.query(query);
            JsonNode answer;
            try {
                answer = path == null ? api.upload(route, environment().stdin(), "application/zip")
                        : api.upload(route, path, "application/zip");
            } catch (CliFailure failure) {
                throw withOptionHint(failure);
            }
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
