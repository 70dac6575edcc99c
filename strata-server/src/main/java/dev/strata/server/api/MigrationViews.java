package dev.strata.server.api;

import dev.strata.migration.MigrationDrift;
import dev.strata.migration.MigrationTarget;

import java.util.List;
import java.util.UUID;

/** The JSON shapes of the migration endpoints (snake_case on the wire). */
final class MigrationViews {
    private MigrationViews() {
    }

    /** One app schema and where it stands; {@code kind} is template, database, schema or shared. */
    record TargetView(String target, String kind, UUID tenant, String version, List<String> pending, String error) {
        static TargetView of(MigrationTarget t) {
            return new TargetView(t.target(), t.kind().wireName(), t.tenant(), t.version(), t.pending(), t.error());
        }
    }

    /** Response of {@code GET /v1/migrations}: one page of targets, by target name. */
    record StatusView(String latestVersion, List<TargetView> targets, String nextCursor) {
    }

    /** One applied migration that no longer matches the one found. */
    record DriftView(String target, String version, String script, Integer appliedChecksum, Integer resolvedChecksum,
                     String problem) {
        static DriftView of(MigrationDrift d) {
            return new DriftView(d.target(), d.version(), d.script(), d.appliedChecksum(), d.resolvedChecksum(), d.problem());
        }
    }

    /** Response of {@code GET /v1/migrations/validate}: {@code valid} is false if anything drifted. */
    record ValidateView(boolean valid, List<DriftView> drift) {
    }

    /** Response of {@code POST /v1/migrations/apply} and {@code GET /v1/migrations/runs/{id}}. */
    record OperationAnswer(MigrationRuns.RunView operation) {
    }
}
