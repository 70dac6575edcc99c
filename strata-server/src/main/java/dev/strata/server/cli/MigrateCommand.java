package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.server.runtime.ClientJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code strata migrate apply|status|validate}: the application's tenant migrations through the
 * REST API. Exit codes: 0 when every target is fine; {@link ErrorCode#MIGRATION_FAILED}'s (13) when
 * a target failed or drifted; a run refused as a whole exits with its error's code.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = "Apply the application's tenant migrations to every app schema (template, tenant databases, "
                + "tenant schemas, shared databases), show where each stands, or validate their checksums.")
public final class MigrateCommand implements Runnable {
    /** Its subcommands, in the order its help lists them (built by {@link CommandTree}, only the one called if named). */
    public static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(
            MigrateCommand.Apply.class, MigrateCommand.Status.class, MigrateCommand.Validate.class);

    /** Exit code of a failed or drifted target. */
    static final int TARGET_FAILED = ErrorCode.MIGRATION_FAILED.exitCode();
    /** The most targets migrated at once (the server's bound). */
    static final int MAX_CONCURRENCY = 64;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: try 'strata migrate status', "
                + "'strata migrate apply' or 'strata migrate validate'");
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = {"Migrate the template first (a migration that fails or weakens isolation there touches no tenant), "
                    + "then every target with pending migrations, each in a transaction of its own; a failing target "
                    + "does not stop the others and can be retried alone with --target.",
                    "Shows a progress bar on a terminal, plain lines otherwise; exit code 13 if any target failed."})
    static final class Apply extends ClientCommand {
        /** How often the run is polled. */
        static final long POLL_MILLIS = 200;

        @Option(names = "--concurrency", paramLabel = "N",
                description = "Most targets migrated at the same time, 1 to " + MAX_CONCURRENCY + " (default: the server's, 4).")
        Integer concurrency;
        @Option(names = "--target", paramLabel = "TARGET",
                description = "Migrate only this target, named as 'strata migrate status' lists it "
                        + "(<data plane>/<database>/<schema>); repeatable.")
        List<String> targets;
        @Option(names = "--progress", paramLabel = "auto|bar|lines|none", defaultValue = "auto",
                description = "How progress is shown (default: ${DEFAULT-VALUE}: a bar on a terminal, plain lines otherwise).")
        String progress;

        private ProgressDisplay.Mode mode;

        @Override
        void checkOptions() {
            if (concurrency != null && (concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
                throw CliFailure.invalid("--concurrency must be from 1 to " + MAX_CONCURRENCY + ", was " + concurrency);
            }
            if (targets != null) {
                Set<String> seen = new HashSet<>();
                Set<String> twice = new TreeSet<>();
                for (String t : targets) {
                    if (t.isBlank()) {
                        throw CliFailure.invalid("--target is empty: give a target's name as 'strata migrate status' lists it");
                    }
                    if (!seen.add(t)) {
                        twice.add(t);
                    }
                }
                if (!twice.isEmpty()) {
                    throw CliFailure.invalid("--target " + String.join(", ", twice) + " is given twice: give each target once");
                }
            }
            mode = switch (progress) {
                case "auto" -> ProgressDisplay.Mode.AUTO;
                case "bar" -> ProgressDisplay.Mode.BAR;
                case "lines" -> ProgressDisplay.Mode.LINES;
                case "none" -> ProgressDisplay.Mode.NONE;
                default -> throw new CommandLine.ParameterException(spec.commandLine(), "Invalid value for --progress: '"
                        + progress + "': use auto, bar, lines or none");
            };
        }

        @Override
        int run(ApiClient api) {
            ObjectNode body = ClientJson.object();
            if (concurrency != null) {
                body.put("concurrency", concurrency);
            }
            if (targets != null && !targets.isEmpty()) {
                ArrayNode list = body.putArray("targets");
                targets.forEach(list::add);
            }
            // the answer is the run's operation (as GET /v1/operations/{id} shows it); the run's
            // own view, under the same id, adds the failed targets with their errors
            String id = text(api.post("/v1/migrations/apply", body), "id");
            JsonNode run = api.get("/v1/migrations/runs/" + ApiClient.segment(id)).path("operation");
            ProgressDisplay display = ProgressDisplay.of(json() ? ProgressDisplay.Mode.NONE : mode, out());
            while ("running".equals(text(run, "state"))) {
                display.update(run.path("done").asInt(), run.path("total").asInt(), run.path("failed").asInt(),
                        run.path("elapsed_ms").asLong());
                sleep();
                run = api.get("/v1/migrations/runs/" + ApiClient.segment(id)).path("operation");
            }
            display.finish(run.path("done").asInt(), run.path("total").asInt(), run.path("failed").asInt(),
                    run.path("elapsed_ms").asLong());
            JsonNode error = run.path("error");
            if (json()) {
                printJson(run);
                if (!error.isNull() && !error.isMissingNode()) {
                    return CliFailure.fromProblem(text(error, "code"), text(error, "detail")).exitCode();
                }
                return run.path("result").path("failed").asInt() > 0 ? TARGET_FAILED : 0;
            }
            if (!error.isNull() && !error.isMissingNode()) {
                throw CliFailure.fromProblem(text(error, "code"), "the migration run " + id + " failed: "
                        + text(error, "detail"));
            }
            JsonNode result = run.path("result");
            int failed = result.path("failed").asInt();
            out().printf("%s: %d targets, %d migrated, %d already up to date, %d failed in %s (operation %s)%n",
                    failed == 0 ? "Migrated" : "Migration FAILED on " + failed + " target" + (failed == 1 ? "" : "s"),
                    result.path("total").asInt(), result.path("migrated").asInt(), result.path("up_to_date").asInt(),
                    failed, ProgressDisplay.duration(result.path("elapsed_ms").asLong()), id);
            if (failed > 0) {
                TextTable table = new TextTable("TARGET", "KIND", "TENANT", "VERSION", "ERROR");
                for (JsonNode t : result.path("failures")) {
                    table.row(text(t, "target"), text(t, "kind"), text(t, "tenant"), text(t, "version"), text(t, "error"));
                }
                table.print(out());
                out().println("Fix the cause, then retry those alone: strata migrate apply --target TARGET ...");
                return TARGET_FAILED;
            }
            return 0;
        }

        private static void sleep() {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliFailure(CliFailure.GENERAL, "interrupted while following the migration run: it goes on on "
                        + "the server ('strata migrate status' shows where the targets stand)", e);
            }
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Show every target (the template, tenant databases, tenant schemas, shared databases), its "
                    + "version, pending migrations and the error of its last failed attempt. Changes nothing.",
                    "Exit code 13 if any target's last attempt failed."})
    static final class Status extends ClientCommand {
        @Override
        int run(ApiClient api) {
            JsonNode status = list(api, "/v1/migrations", java.util.Map.of(), "targets", new Paging());
            JsonNode targets = status.path("targets");
            int behind = 0;
            int failed = 0;
            for (JsonNode t : targets) {
                behind += t.path("pending").size() > 0 ? 1 : 0;
                failed += t.hasNonNull("error") ? 1 : 0;
            }
            if (json()) {
                printJson(status);
                return failed > 0 ? TARGET_FAILED : 0;
            }
            String latest = text(status, "latest_version");
            out().printf("%d targets, latest version %s: %d up to date, %d behind, %d failed%n", targets.size(),
                    latest == null ? "none (no migrations configured)" : latest, targets.size() - behind, behind, failed);
            if (targets.size() > 0) {
                TextTable table = new TextTable("TARGET", "KIND", "TENANT", "VERSION", "PENDING", "ERROR");
                for (JsonNode t : targets) {
                    table.row(text(t, "target"), text(t, "kind"), text(t, "tenant"), text(t, "version"),
                            pending(t.path("pending")), text(t, "error"));
                }
                table.print(out());
            }
            if (behind > 0) {
                out().println("Apply the pending migrations with: strata migrate apply");
            }
            return failed > 0 ? TARGET_FAILED : 0;
        }

        private static String pending(JsonNode versions) {
            List<String> list = new ArrayList<>();
            versions.forEach(v -> list.add(v.asText()));
            if (list.size() > 3) {
                return String.join(", ", list.subList(0, 3)) + " +" + (list.size() - 3) + " more";
            }
            return String.join(", ", list);
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Compare every applied migration's checksum with the migration found now; report changed "
                    + "or missing ones (never re-run). Changes nothing.", "Exit code 13 if anything drifted."})
    static final class Validate extends ClientCommand {
        @Override
        int run(ApiClient api) {
            JsonNode report = api.get("/v1/migrations/validate");
            JsonNode drift = report.path("drift");
            int code = drift.size() > 0 ? ErrorCode.MIGRATION_DRIFT.exitCode() : 0;
            if (json()) {
                printJson(report);
                return code;
            }
            if (drift.size() == 0) {
                out().println("Validation PASSED: every applied migration matches the migrations found");
                return 0;
            }
            out().printf("Validation FAILED: %d applied migration%s drifted (MIGRATION_DRIFT)%n", drift.size(),
                    drift.size() == 1 ? "" : "s");
            TextTable table = new TextTable("TARGET", "VERSION", "SCRIPT", "APPLIED", "FOUND", "PROBLEM");
            for (JsonNode d : drift) {
                table.row(text(d, "target"), text(d, "version"), text(d, "script"), text(d, "applied_checksum"),
                        text(d, "resolved_checksum"), text(d, "problem"));
            }
            table.print(out());
            out().println("Restore the applied scripts as they were, and put changes in a new migration");
            return code;
        }
    }
}
