package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
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
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging("tier", "parent", "status", "all"));
        Tier tier = query.tier("tier");
        TenantStatus status = query.status("status");
        boolean all = query.flag("all");
        Pagination paging = Pagination.of(query, "tenants", query.value("tier"), query.value("parent"),
                query.value("status"), query.value("all"));
        UUID parent = query.get("parent") == null ? null : strata.tenants().get(query.get("parent")).id();
        List<Tenant> tenants = strata.tenants().list();
        Map<UUID, String> slugs = tenants.stream().collect(Collectors.toMap(Tenant::id, Tenant::slug));
        List<Tenant> matching = tenants.stream()
                .filter(t -> tier == null || t.tier() == tier)
                .filter(t -> status != null ? t.status() == status : all || t.status() != TenantStatus.DECOMMISSIONED)
                .filter(t -> parent == null || parent.equals(t.parentId()))
                .sorted(java.util.Comparator.comparing(TenantRoutes::position))
                .toList();
        Pagination.Page<Tenant> page = paging.page(matching, TenantRoutes::position, String::compareTo);
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("tenants", page.items().stream()
                .map(t -> TenantView.of(t, t.parentId() == null ? null : slugs.get(t.parentId()))).toList());
        answer.put("next_cursor", page.nextCursor());
        ctx.json(answer);
    }

    /**
     * A tenant's place in a listing: by tier, then slug, then creation, then id; as text whose
     * order is that order (tab-separated, slugs have no character below a tab, fixed-width numbers).
     */
    private static String position(Tenant t) {
        java.time.Instant created = t.createdAt() == null ? java.time.Instant.EPOCH : t.createdAt();
        long micros = created.getEpochSecond() * 1_000_000L + created.getNano() / 1_000;
        return t.tier().level() + "\t" + t.slug() + "\t" + String.format("%020d", micros) + "\t" + t.id();
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

    private void history(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging());
        Tenant tenant = resolve(ctx);
        Pagination paging = Pagination.of(query, "history:" + tenant.id());
        List<TenantEvent> events = strata.tenants().history(tenant.id().toString());
        Pagination.Page<TenantEvent> page = paging.page(events, e -> String.format("%020d", e.id()), String::compareTo);
        ctx.json(new HistoryView(tenant.id(), tenant.slug(), page.items().stream().map(EventView::of).toList(),
                page.nextCursor()));
    }

    /** Response of {@code GET /v1/tenants/{key}/history}. */
    record HistoryView(UUID tenantId, String slug, List<EventView> events, String nextCursor) {
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
