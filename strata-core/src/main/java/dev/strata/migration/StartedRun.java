package dev.strata.migration;

import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A fan-out started by {@link SchemaMigrations#start}: its operation, journaled and claimed by
 * this process before {@code start} returned, and its outcome once it has finished.
 *
 * @param operation the operation that journals the run ({@code GET /v1/operations/{id}},
 *                  {@code strata operations show <id>})
 * @param outcome   completes with the run's {@link MigrationRun}, or exceptionally with the
 *                  {@link dev.strata.StrataException} that failed the run as a whole (a refusal or
 *                  failure on the template, a take-over by another process)
 */
public record StartedRun(UUID operation, CompletableFuture<MigrationRun> outcome) {
    public StartedRun {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(outcome, "outcome");
    }
}
