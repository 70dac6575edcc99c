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
import dev.strata.internal.registry.TenantRules;
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
    record CreateRequest(Integer tier, String slug, String parent, String name, String mode, String region, String plane) {
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
                new ApiEndpoint(HandlerType.POST, "/v1/tenants", Access.SUBTREE, this::create),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants", Access.SUBTREE, this::list),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}", Access.TENANT_READ, this::show),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/suspend", Access.TENANT_ADMIN, this::suspend),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/resume", Access.TENANT_ADMIN, this::resume),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/decommission", Access.TENANT_ADMIN, this::decommission),
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/history", Access.TENANT_READ, this::history),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/{key}/move", Access.TENANT_ADMIN, this::move));
    }

    private void create(Context ctx) {
        QueryParameters.of(ctx);
        CreateRequest body = RequestBodies.read(ctx, CreateRequest.class);
        if (body == null) {
            throw invalid("A JSON body is required: {\"tier\": 1 or 2, \"slug\": ..., \"parent\": ... (for a T2), "
                    + "\"name\", \"mode\", \"region\", \"plane\" optional}");
        }
        Tier tier = creatableTier(body.tier());
        IsolationMode mode = QueryParameters.mode("mode", body.mode());
        String parent = parentFor(Caller.of(ctx), tier, body.parent());
        NewTenant request = new NewTenant(tier, body.slug(), parent, body.name(), mode, body.region(), null,
                body.plane());
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

    /**
     * The parent a caller may create a tenant under: any for a T0 key; for a T1 key only itself (the
     * default when no parent is given), and only T2s; none for a T2 key. A parent outside the
     * caller's subtree is answered as one that does not exist.
     */
    private String parentFor(Caller caller, Tier tier, String parent) {
        if (caller.isOperator()) {
            return parent;
        }
        caller.requireAdministrator("creating a tenant");
        if (tier != Tier.T2) {
            throw caller.forbidden("creating a T1 (partner)");
        }
        if (parent == null || parent.isBlank()) {
            return caller.tenantId().toString();
        }
        TenantRules.parseIdOrValidateSlug(parent);
        Tenant resolved;
        try {
            resolved = caller.visible(strata, parent);
        } catch (StrataException e) {
            if (e.code() != ErrorCode.TENANT_NOT_FOUND) {
                throw e;
            }
            throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(parent.trim())
                    + "' does not exist: name an existing T1 by its id or slug");
        }
        return resolved.id().toString();
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging("tier", "parent", "status", "all"));
        Tier tier = query.tier("tier");
        TenantStatus status = query.status("status");
        boolean all = query.flag("all");
        Caller caller = Caller.of(ctx);
        Pagination paging = Pagination.of(query, "tenants", query.value("tier"), query.value("parent"),
                query.value("status"), query.value("all"));
        UUID parent = query.get("parent") == null ? null : caller.visible(strata, query.get("parent")).id();
        List<Tenant> tenants = strata.tenants().list();
        Map<UUID, String> slugs = tenants.stream().collect(Collectors.toMap(Tenant::id, Tenant::slug));
        List<Tenant> matching = tenants.stream()
                .filter(caller::sees)
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

    /** The path's tenant, as its access rule resolved it within the caller's subtree. */
    private static Tenant resolve(Context ctx) {
        return Authorizer.tenant(ctx);
    }

    private Tenants tenants(Context ctx) {
        return strata.tenants().actingAs(Authenticator.key(ctx).actor());
    }

    private TenantView view(Tenant tenant) {
        String parentSlug = tenant.parentId() == null ? null : strata.tenants().get(tenant.parentId()).slug();
        TenantView view = TenantView.of(tenant, parentSlug);
        return strata.serverHooks().neonCompute(tenant.id()).map(r -> view.withCompute(new TenantView.NeonComputeView(
                r.placement().projectId(), r.placement().branchId(), r.placement().endpointId(), r.coldStarts(),
                r.lastWokenAt(), r.lastWakeMillis()))).orElse(view);
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
