package dev.strata.server.api;

import dev.strata.Branches;
import dev.strata.DevBranch;
import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Dev and staging branches of a T1 on a Neon plane over HTTP: list, create (the answer carries the
 * branch's connection string, shown once), delete. The operator's key and the T1's own key only
 * ({@link Access#TENANT_OWNER}).
 */
final class BranchRoutes {
    private static final String PATH = "/v1/tenants/{key}/branches";

    /** Body of {@code POST /v1/tenants/{key}/branches}: {@code name} is required. */
    record CreateBranch(String name, String fromTimestamp) {
    }

    private final Strata strata;

    BranchRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.TENANT_OWNER, this::list),
                new ApiEndpoint(HandlerType.POST, PATH, Access.TENANT_OWNER, this::create),
                new ApiEndpoint(HandlerType.DELETE, PATH + "/{name}", Access.TENANT_OWNER, this::delete));
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging());
        Tenant tenant = Authorizer.tenant(ctx);
        Pagination paging = Pagination.of(query, "branches:" + tenant.id());
        List<BranchView> branches = strata.branches().list(tenant.id().toString()).stream()
                .map(b -> BranchView.of(b, tenant.slug()))
                .sorted(java.util.Comparator.comparing(BranchView::name)).toList();
        Pagination.Page<BranchView> page = paging.page(branches, BranchView::name, String::compareTo);
        ctx.json(page.answer("branches"));
    }

    private void create(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = Authorizer.tenant(ctx);
        CreateBranch body = RequestBodies.read(ctx, CreateBranch.class);
        if (body == null || body.name() == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A JSON body is required: {\"name\": \"dev\", "
                    + "\"from_timestamp\": \"2026-01-02T03:04:05Z\" (optional)}");
        }
        DevBranch created = branches(ctx).create(tenant.id().toString(), body.name(), timestamp(body.fromTimestamp()));
        ctx.status(201).header("Location", "/v1/tenants/" + tenant.id() + "/branches/" + created.name())
                .json(BranchView.of(created, tenant.slug()));
    }

    private void delete(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        Tenant tenant = Authorizer.tenant(ctx);
        branches(ctx).delete(tenant.id().toString(), ctx.pathParam("name"));
        ctx.status(204);
    }

    private Branches branches(Context ctx) {
        return strata.branches().actingAs(Authenticator.key(ctx).actor());
    }

    private static Instant timestamp(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "'from_timestamp' must be an ISO 8601 instant such as "
                    + "2026-01-02T03:04:05Z, not '" + dev.strata.internal.registry.TenantRules.printable(text) + "'");
        }
    }
}
