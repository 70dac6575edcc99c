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
    private static final Set<String> LIST_FILTERS = Set.of("tier", "parent", "status");

    /** Body of {@code POST /v1/tenants}; {@code tier} accepts 1, 2, "1", "T1", ... */
    record CreateRequest(String tier, String slug, String parent, String name, String mode, String region) {
    }

    /** Body of {@code POST /v1/tenants/{key}/decommission}. */
    record DecommissionRequest(Boolean confirm, Boolean cascade) {
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
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/history", this::history));
    }

    private void create(Context ctx) {
        CreateRequest body = RequestBodies.read(ctx, CreateRequest.class);
        if (body == null) {
            throw invalid("A JSON body is required: {\"tier\": 1 or 2, \"slug\": ..., \"parent\": ... (for a T2), "
                    + "\"name\", \"mode\", \"region\" optional}");
        }
        if (body.tier() == null || body.tier().isBlank()) {
            throw invalid("Field 'tier' is required: 1 (partner) or 2 (customer)");
        }
        Tier tier = Tier.parse(body.tier());
        IsolationMode mode = body.mode() == null || body.mode().isBlank() ? null : IsolationMode.parse(body.mode());
        NewTenant request = new NewTenant(tier, body.slug(), body.parent(), body.name(), mode, body.region(), null);
        Tenant created = tenants(ctx).create(request);
        MDC.put("tenant", created.id().toString());
        ctx.status(201).header("Location", "/v1/tenants/" + created.id()).json(view(created));
    }

    private void list(Context ctx) {
        Set<String> unknown = ctx.queryParamMap().keySet().stream().filter(k -> !LIST_FILTERS.contains(k))
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        if (!unknown.isEmpty()) {
            throw invalid("Unknown query parameter " + unknown + ": filter with tier, parent or status");
        }
        Tier tier = ctx.queryParam("tier") == null ? null : Tier.parse(ctx.queryParam("tier"));
        TenantStatus status = ctx.queryParam("status") == null ? null : TenantStatus.parse(ctx.queryParam("status"));
        UUID parent = ctx.queryParam("parent") == null ? null : strata.tenants().get(ctx.queryParam("parent")).id();
        List<Tenant> all = strata.tenants().list();
        Map<UUID, String> slugs = all.stream().collect(Collectors.toMap(Tenant::id, Tenant::slug));
        List<TenantView> views = all.stream()
                .filter(t -> tier == null || t.tier() == tier)
                .filter(t -> status == null || t.status() == status)
                .filter(t -> parent == null || parent.equals(t.parentId()))
                .map(t -> TenantView.of(t, t.parentId() == null ? null : slugs.get(t.parentId())))
                .toList();
        ctx.json(Map.of("tenants", views));
    }

    private void show(Context ctx) {
        ctx.json(view(resolve(ctx)));
    }

    private void suspend(Context ctx) {
        change(ctx, tenants -> tenants.suspend(resolve(ctx).id().toString()));
    }

    private void resume(Context ctx) {
        change(ctx, tenants -> tenants.resume(resolve(ctx).id().toString()));
    }

    private void decommission(Context ctx) {
        Tenant tenant = resolve(ctx);
        DecommissionRequest body = RequestBodies.read(ctx, DecommissionRequest.class);
        if (body == null || !Boolean.TRUE.equals(body.confirm())) {
            throw new StrataException(ErrorCode.CONFIRMATION_REQUIRED, "Decommissioning '" + tenant.slug()
                    + "' deletes its data for good: confirm it ({\"confirm\": true}; on the command line --confirm)");
        }
        boolean cascade = Boolean.TRUE.equals(body.cascade());
        change(ctx, tenants -> tenants.decommission(tenant.id().toString(), cascade));
    }

    private void history(Context ctx) {
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
