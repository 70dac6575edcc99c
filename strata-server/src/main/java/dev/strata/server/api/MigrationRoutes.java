package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.migration.MigrationTarget;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The application's tenant migrations over HTTP (T0 admin keys): where every app schema stands,
 * checksum validation, and the fan-out, started in the background and followed through its
 * operation.
 */
final class MigrationRoutes implements AutoCloseable {
    /** The most targets migrated at once a request may ask for. */
    static final int MAX_CONCURRENCY = 64;

    /** Body of {@code POST /v1/migrations/apply}; both fields optional. */
    record ApplyBody(Integer concurrency, List<String> targets) {
    }

    private final Strata strata;
    private final MigrationRuns runs;

    MigrationRoutes(Strata strata) {
        this.strata = strata;
        this.runs = new MigrationRuns(strata::migrations);
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, "/v1/migrations", Access.OPERATOR, this::status),
                new ApiEndpoint(HandlerType.GET, "/v1/migrations/validate", Access.OPERATOR, this::validate),
                new ApiEndpoint(HandlerType.POST, "/v1/migrations/apply", Access.OPERATOR, this::apply),
                new ApiEndpoint(HandlerType.GET, "/v1/migrations/runs/{id}", Access.OPERATOR, this::run));
    }

    private void status(Context ctx) {
        Pagination paging = Pagination.of(QueryParameters.of(ctx, Pagination.withPaging()), "migrations");
        var migrations = strata.migrations();
        List<MigrationViews.TargetView> targets = migrations.status().stream().map(MigrationViews.TargetView::of)
                .sorted(java.util.Comparator.comparing(MigrationViews.TargetView::target)).toList();
        Pagination.Page<MigrationViews.TargetView> page = paging.page(targets, MigrationViews.TargetView::target, String::compareTo);
        ctx.json(new MigrationViews.StatusView(migrations.latestVersion().orElse(null), page.items(), page.nextCursor()));
    }

    private void validate(Context ctx) {
        QueryParameters.of(ctx);
        List<MigrationViews.DriftView> drift = strata.migrations().validate().stream().map(MigrationViews.DriftView::of).toList();
        ctx.json(new MigrationViews.ValidateView(drift.isEmpty(), drift));
    }

    /**
     * Checks everything before anything starts (a refused request changes nothing), then answers
     * 202 with the run's operation as {@code GET /v1/operations/{id}} shows it, at its
     * {@code Location}.
     */
    private void apply(Context ctx) {
        QueryParameters.of(ctx);
        ApplyBody body = RequestBodies.read(ctx, ApplyBody.class);
        int concurrency = concurrency(body == null ? null : body.concurrency());
        List<String> targets = targets(body == null ? null : body.targets());
        UUID id = runs.start(concurrency, targets, Authenticator.key(ctx).actor());
        ctx.status(202).header("Location", OperationRoutes.PATH + "/" + id)
                .json(OperationView.of(strata.operations().show(id), null));
    }

    private void run(Context ctx) {
        QueryParameters.of(ctx);
        String text = ctx.pathParam("id");
        UUID id = uuid(text);
        MigrationRuns.RunView run = runs.find(id).orElseThrow(() -> new StrataException(ErrorCode.ROUTE_NOT_FOUND,
                "No migration run " + id + " on this server (it keeps its last " + MigrationRuns.KEPT
                        + " runs in memory, until it stops): GET /v1/migrations shows where every target stands"));
        ctx.json(new MigrationViews.OperationAnswer(run));
    }

    private static int concurrency(Integer value) {
        if (value == null) {
            return dev.strata.migration.ApplyRequest.builder().build().concurrency();
        }
        if (value < 1 || value > MAX_CONCURRENCY) {
            throw invalid("Field 'concurrency' must be a whole number from 1 to " + MAX_CONCURRENCY + ", was " + value
                    + ": it is how many targets are migrated at the same time (leave it out for the default)");
        }
        return value;
    }

    /** The requested targets, each a name {@code GET /v1/migrations} lists, none twice; empty for every target. */
    private List<String> targets(List<String> requested) {
        if (requested == null) {
            return List.of();
        }
        if (requested.isEmpty()) {
            throw invalid("Field 'targets' is an empty list: name the targets to migrate, or leave the field out "
                    + "to migrate every target");
        }
        for (int i = 0; i < requested.size(); i++) {
            String name = requested.get(i);
            if (name == null || name.isBlank()) {
                throw invalid("Field 'targets[" + i + "]' is " + (name == null ? "null" : "blank")
                        + ": give a target's name as GET /v1/migrations lists it (<data plane>/<database>/<schema>)");
            }
        }
        Set<String> twice = MigrationRuns.duplicates(requested);
        if (!twice.isEmpty()) {
            throw invalid("Field 'targets' names " + twice + " more than once: name each target once");
        }
        Set<String> known = strata.migrations().status().stream().map(MigrationTarget::target)
                .collect(Collectors.toSet());
        Set<String> unknown = requested.stream().filter(n -> !known.contains(n))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw invalid("Unknown migration target" + (unknown.size() == 1 ? " " : "s ") + unknown.stream()
                    .map(n -> "'" + QueryParameters.printable(n) + "'").collect(Collectors.joining(", "))
                    + ": GET /v1/migrations ('strata migrate status') lists the targets, named "
                    + "<data plane>/<database>/<schema>. Nothing was migrated");
        }
        return List.copyOf(requested);
    }

    private static UUID uuid(String text) {
        if (!text.matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw invalid("'" + QueryParameters.printable(text) + "' is not a migration run id: use the id "
                    + "POST /v1/migrations/apply answered with (a UUID in lower case)");
        }
        return UUID.fromString(text);
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }

    @Override
    public void close() {
        runs.close();
    }
}
