package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.RestoreRequest;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.backup.BackupInfo;
import dev.strata.backup.BackupSchedule;
import dev.strata.backup.Backups;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * A tenant's backups and its restore over HTTP. Reading them is the tenant's and its ancestors'
 * ({@link Access#TENANT_READ}); taking, scheduling and restoring ({@link Access#TENANT_DATA}) are
 * for a T0 key on any tenant and a T1 key on itself and its T2s: a T2 key may list its backups but
 * not change its data or the schedule (403), since its T1 owns its data's life cycle.
 */
final class BackupRoutes {
    private static final String PATH = "/v1/tenants/{key}/backups";

    /** Body of {@code PUT /v1/tenants/{key}/backups/schedule}; {@code every} is required. */
    record ScheduleRequest(String every, Integer keep) {
    }

    /** Body of {@code POST /v1/tenants/{key}/restore}: exactly one of {@code backup} and {@code to}. */
    record RestoreBody(String backup, String to, String preserveAs) {
    }

    private final Strata strata;
    private final Backups backups;

    BackupRoutes(Strata strata, Backups backups) {
        this.strata = strata;
        this.backups = java.util.Objects.requireNonNull(backups, "backups");
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.TENANT_READ, this::list),
                new ApiEndpoint(HandlerType.POST, PATH, Access.TENANT_DATA, this::take),
                new ApiEndpoint(HandlerType.PUT, PATH + "/schedule", Access.TENANT_DATA, this::schedule),
                new ApiEndpoint(HandlerType.DELETE, PATH + "/schedule", Access.TENANT_DATA, this::unschedule),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/restore", Access.TENANT_DATA, this::restore));
    }

    private void list(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(listing(ctx, Authorizer.tenant(ctx)));
    }

    private void take(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        Tenant tenant = Authorizer.tenant(ctx);
        BackupInfo taken = backups.take(tenant.id().toString());
        ctx.status(201).json(BackupView.of(taken, Caller.of(ctx).isOperator()));
    }

    private void schedule(Context ctx) {
        QueryParameters.of(ctx);
        ScheduleRequest body = RequestBodies.read(ctx, ScheduleRequest.class);
        Tenant tenant = Authorizer.tenant(ctx);
        if (body == null || body.every() == null) {
            throw invalid("A JSON body with \"every\" is required: {\"every\": \"6h\", \"keep\": 7} (the period: "
                    + DurationText.ACCEPTED + ", at least 1m; keep: how many backups to keep, default "
                    + BackupSchedule.DEFAULT_KEEP + ")");
        }
        Duration every = DurationText.parse(body.every()).orElseThrow(() -> invalid("\"every\" must be " + DurationText.ACCEPTED
                + ", was '" + body.every() + "'"));
        backups.schedule(tenant.id().toString(),
                BackupSchedule.every(every, body.keep() == null ? BackupSchedule.DEFAULT_KEEP : body.keep()));
        ctx.json(listing(ctx, tenant));
    }

    private void unschedule(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        Tenant tenant = Authorizer.tenant(ctx);
        backups.unschedule(tenant.id().toString());
        ctx.json(listing(ctx, tenant));
    }

    private void restore(Context ctx) {
        QueryParameters.of(ctx);
        RestoreBody body = RequestBodies.read(ctx, RestoreBody.class);
        Tenant tenant = Authorizer.tenant(ctx);
        if (body == null) {
            throw invalid("A JSON body is required: {\"backup\": \"<backup id>\"} or {\"to\": \"<ISO-8601 time>\"}, "
                    + "optionally with \"preserve_as\": \"<name>\"");
        }
        UUID backup = null;
        if (body.backup() != null) {
            try {
                backup = UUID.fromString(body.backup().strip());
            } catch (IllegalArgumentException e) {
                throw invalid("\"backup\" must be a backup id (a UUID), was '" + body.backup() + "'");
            }
        }
        Instant to = body.to() == null ? null : instant(body.to());
        RestoreRequest request = new RestoreRequest(backup, to, body.preserveAs());
        dev.strata.RestoreResult result = strata.tenants().actingAs(Authenticator.key(ctx).actor())
                .restore(tenant.id().toString(), request);
        ctx.status(result.finished() ? 200 : 202).json(BackupView.RestoreView.of(tenant, result));
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text.strip()).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid("\"to\" must be an ISO-8601 time with its offset, e.g. 2026-12-01T06:00:00Z, was '" + text + "'");
        }
    }

    private BackupView.ListView listing(Context ctx, Tenant tenant) {
        boolean operator = Caller.of(ctx).isOperator();
        List<BackupView> all = backups.list(tenant.id().toString()).stream().map(b -> BackupView.of(b, operator)).toList();
        BackupSchedule schedule = backups.scheduleOf(tenant.id().toString()).orElse(null);
        return BackupView.ListView.of(tenant, schedule, all);
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
