package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tenants;
import dev.strata.Tier;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.MDC;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The tenant registry over HTTP: create, list, show, suspend, resume, decommission, history. */
final class TenantRoutes {
    /** Body of {@code POST /v1/tenants}; {@code tier} is the JSON number 1 or 2. */
    record CreateRequest(Integer tier, String slug, String parent, String name, String mode, String region) {
    }

    /** Body of {@code POST /v1/tenants/{key}/decommission}. */
    record DecommissionRequest(Boolean confirm, Boolean cascade) {
    }

    /**
     * Body of {@code POST /v1/tenants/{key}/move}: {@code to} is required; {@code freezeWaitMs} bounds how
     * long the tenant's transactions wait during the cutover.
     */
    record MoveBody(String to, String plane, String into, Boolean forceRegion, Long freezeWaitMs) {
    }

    private final Strata strata;

    TenantRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.POST, "/v1/tenants", this::create),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants", this::list),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}", this::show),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/suspend", this::suspend),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/resume", this::resume),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/decommission", this::decommission),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/history", this::history),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/move", this::move));
    }

    private void create(Context ctx) {
        QueryParameters.of(ctx);
        CreateRequest body = RequestBodies.read(ctx, CreateRequest.class);
        if (body == null) {
            throw invalid("A JSON body is required: {\"tier\": 1 or 2, \"slug\": ..., \"parent\": ... (for a T2), "
                    + "\"name\", \"mode\", \"region\" optional}");
        }
        Tier tier = creatableTier(body.tier());
        IsolationMode mode = QueryParameters.mode("mode", body.mode());
        NewTenant request = new NewTenant(tier, body.slug(), body.parent(), body.name(), mode, body.region(), null);
        Tenant created = tenants(ctx).create(request);
        MDC.put("tenant", created.id().toString());
        ctx.status(201).header("Location", "/v1/tenants/" + created.id()).json(view(created));
    }

    /** The tier of a tenant to create: the JSON number 1 or 2 (the T0 exists once and is never created). */
    private static Tier creatableTier(Integer tier) {
        if (tier == null) {
            throw invalid("Field 'tier' is required: 1 (partner) or 2 (customer)");
        }
        return switch (tier) {
            case 1 -> Tier.T1;
            case 2 -> Tier.T2;
            case 0 -> throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "Tier 0 is the platform operator, which exists once and is not created: use 1 (partner) or 2 (customer)");
            default -> throw invalid("Unknown tier " + tier + ": use 1 (partner) or 2 (customer)");
        };
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, "tier", "parent", "status", "all");
        Tier tier = query.tier("tier");
        TenantStatus status = query.status("status");
        boolean all = query.flag("all");
        UUID parent = query.get("parent") == null ? null : strata.tenants().get(query.get("parent")).id();
        List<Tenant> tenants = strata.tenants().list();
        Map<UUID, String> slugs = tenants.stream().collect(Collectors.toMap(Tenant::id, Tenant::slug));
        List<TenantView> views = tenants.stream()
                .filter(t -> tier == null || t.tier() == tier)
                .filter(t -> status != null ? t.status() == status : all || t.status() != TenantStatus.DECOMMISSIONED)
                .filter(t -> parent == null || parent.equals(t.parentId()))
                .map(t -> TenantView.of(t, t.parentId() == null ? null : slugs.get(t.parentId())))
                .toList();
        ctx.json(Map.of("tenants", views));
    }

    private void show(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(view(resolve(ctx)));
    }

    private void suspend(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        change(ctx, tenants -> tenants.suspend(resolve(ctx).id().toString()));
    }

    private void resume(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        change(ctx, tenants -> tenants.resume(resolve(ctx).id().toString()));
    }

    private void decommission(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = resolve(ctx);
        DecommissionRequest body = RequestBodies.read(ctx, DecommissionRequest.class);
        if (body == null || !Boolean.TRUE.equals(body.confirm())) {
            throw new StrataException(ErrorCode.CONFIRMATION_REQUIRED, "Decommissioning '" + tenant.slug()
                    + "' deletes its data for good: confirm it by sending the JSON body {\"confirm\": true}"
                    + " (with \"cascade\": true for a T1 whose T2s go too)");
        }
        boolean cascade = Boolean.TRUE.equals(body.cascade());
        change(ctx, tenants -> tenants.decommission(tenant.id().toString(), cascade));
    }

    /** Starts a move and answers 202 with its operation (follow it at the Location). */
    private void move(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = resolve(ctx);
        MoveBody body = RequestBodies.read(ctx, MoveBody.class);
        if (body == null || body.to() == null) {
            throw invalid("A JSON body is required: {\"to\": \"rls\" | \"schema\" | \"database\", \"plane\", \"into\", "
                    + "\"forceRegion\", \"freezeWaitMs\" optional}");
        }
        IsolationMode mode = QueryParameters.mode("to", body.to());
        dev.strata.MoveRequest request = dev.strata.MoveRequest.to(mode).withPlane(body.plane()).withInto(body.into())
                .withForceRegion(Boolean.TRUE.equals(body.forceRegion())).withAwaitEnd(false);
        if (body.freezeWaitMs() != null) {
            request = request.withFreezeWait(java.time.Duration.ofMillis(body.freezeWaitMs()));
        }
        dev.strata.OperationInfo started = tenants(ctx).move(tenant.id().toString(), request);
        ctx.status(202).header("Location", "/v1/operations/" + started.id()).json(OperationView.of(started, tenant.slug()));
    }

    private void history(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = resolve(ctx);
        List<EventView> events = strata.tenants().history(tenant.id().toString()).stream().map(EventView::of).toList();
        ctx.json(new HistoryView(tenant.id(), tenant.slug(), events));
    }

    /** Response of {@code GET /v1/tenants/{key}/history}. */
    record HistoryView(UUID tenantId, String slug, List<EventView> events) {
    }

    private void change(Context ctx, Function<Tenants, Tenant> operation) {
        ctx.json(view(operation.apply(tenants(ctx))));
    }

    private Tenant resolve(Context ctx) {
        Tenant tenant = strata.tenants().get(ctx.pathParam("key"));
        MDC.put("tenant", tenant.id().toString());
        return tenant;
    }

    private Tenants tenants(Context ctx) {
        return strata.tenants().actingAs(Authenticator.key(ctx).actor());
    }

    private TenantView view(Tenant tenant) {
        String parentSlug = tenant.parentId() == null ? null : strata.tenants().get(tenant.parentId()).slug();
        return TenantView.of(tenant, parentSlug);
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
