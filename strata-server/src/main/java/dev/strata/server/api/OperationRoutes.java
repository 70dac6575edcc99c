package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import org.slf4j.MDC;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Long-running operations over HTTP: list (filtered by state, kind, tenant), show, and resume or
 * abort one whose owning process died (refused while its owner's lease runs). Resume and abort
 * run the operation to its end before answering.
 */
final class OperationRoutes {
    static final String PATH = "/v1/operations";
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Strata strata;

    OperationRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.SUBTREE, this::list),
                new ApiEndpoint(HandlerType.GET, PATH + "/{key}", Access.SUBTREE, this::show),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/resume", Access.SUBTREE, this::resume),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/abort", Access.SUBTREE, this::abort));
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging("state", "kind", "tenant"));
        Caller caller = Caller.of(ctx);
        Pagination paging = Pagination.of(query, "operations", query.value("state"), query.value("kind"),
                query.value("tenant"));
        String tenant = query.get("tenant");
        if (tenant != null && !caller.isOperator()) {
            tenant = caller.visible(strata, tenant).id().toString();
        }
        OperationFilter filter = OperationFilter.all()
                .withState(state(query.get("state")))
                .withKind(kind(query.get("kind")))
                .withTenant(tenant)
                .withLimit(caller.isOperator() ? paging.limit() : OperationFilter.MAX_LIMIT)
                .withAfter(paging.position() == null ? null : position(paging.position()));
        Map<UUID, Tenant> tenants = new HashMap<>();
        Map<UUID, String> slugs = new HashMap<>();
        for (Tenant t : strata.tenants().list()) {
            tenants.put(t.id(), t);
            slugs.put(t.id(), t.slug());
        }
        List<OperationInfo> fetched = strata.operations().list(filter);
        List<OperationInfo> visible = fetched.stream().filter(o -> caller.sees(tenants, o.tenantId())).toList();
        List<OperationInfo> operations = visible.stream().limit(paging.limit()).toList();
        String next = null;
        if (operations.size() == paging.limit()) {
            OperationInfo last = operations.get(operations.size() - 1);
            boolean more = caller.isOperator()
                    ? !strata.operations().list(filter.withLimit(1).withAfter(OperationFilter.Position.of(last))).isEmpty()
                    : visible.size() > paging.limit() || fetched.size() == OperationFilter.MAX_LIMIT;
            if (more) {
                next = paging.cursorAfter(position(last));
            }
        }
        Map<String, Object> answer = new java.util.LinkedHashMap<>();
        answer.put("operations", operations.stream()
                .map(o -> OperationView.of(o, o.tenantId() == null ? null : slugs.get(o.tenantId()))).toList());
        answer.put("next_cursor", next);
        ctx.json(answer);
    }

    /** An operation's place in the listing, as a cursor keeps it: start (epoch seconds.nanos) and id. */
    private static String position(OperationInfo o) {
        return o.startedAt().getEpochSecond() + "." + o.startedAt().getNano() + " " + o.id();
    }

    private static OperationFilter.Position position(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(-?[0-9]{1,19})\\.([0-9]{1,9}) (" + UUID_TEXT.pattern() + ")")
                .matcher(text);
        if (!m.matches()) {
            throw QueryParameters.invalid("Query parameter 'cursor' is not a cursor this server issued: give the "
                    + "next_cursor of the previous page, or leave it out for the first page");
        }
        try {
            return new OperationFilter.Position(java.time.Instant.ofEpochSecond(Long.parseLong(m.group(1)),
                    Long.parseLong(m.group(2))), UUID.fromString(m.group(3)));
        } catch (RuntimeException e) {
            throw QueryParameters.invalid("Query parameter 'cursor' is not a cursor this server issued: give the "
                    + "next_cursor of the previous page, or leave it out for the first page");
        }
    }

    private void show(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(view(visible(Caller.of(ctx), id(ctx))));
    }

    private void resume(Context ctx) {
        QueryParameters.of(ctx);
        UUID id = id(ctx);
        RequestBodies.requireNone(ctx);
        administered(Caller.of(ctx), id, "resuming an operation");
        ctx.json(view(strata.operations().resume(id)));
    }

    private void abort(Context ctx) {
        QueryParameters.of(ctx);
        UUID id = id(ctx);
        RequestBodies.requireNone(ctx);
        administered(Caller.of(ctx), id, "aborting an operation");
        ctx.json(view(strata.operations().abort(id)));
    }

    /**
     * The operation if the caller sees it: a T0 key every one, other keys those of a tenant in their
     * subtree (never one without a tenant, such as a migration fan-out). Any other is answered as an
     * operation that does not exist.
     */
    private OperationInfo visible(Caller caller, UUID id) {
        OperationInfo info = strata.operations().show(id);
        if (caller.isOperator()) {
            return info;
        }
        if (info.tenantId() == null || caller.visible(strata, info.tenantId()).isEmpty()) {
            throw notFound(id);
        }
        return info;
    }

    /** {@link #visible}, and the caller administers its tenant (a T1 key: operations of its T2s). */
    private void administered(Caller caller, UUID id, String what) {
        OperationInfo info = visible(caller, id);
        if (!caller.isOperator() && !caller.administers(strata.tenants().get(info.tenantId()))) {
            throw caller.forbidden(what + " of tenant '" + strata.tenants().get(info.tenantId()).slug() + "'");
        }
    }

    /** The journal's answer for an operation id it does not know, word for word. */
    private static StrataException notFound(UUID id) {
        return new StrataException(ErrorCode.OPERATION_NOT_FOUND, "No operation with id " + id
                + ": list them with 'strata operations list' (GET /v1/operations)");
    }

    private OperationView view(OperationInfo info) {
        String slug = null;
        if (info.tenantId() != null) {
            MDC.put("tenant", info.tenantId().toString());
            try {
                slug = strata.tenants().get(info.tenantId()).slug();
            } catch (StrataException e) {
                if (e.code() != ErrorCode.TENANT_NOT_FOUND) {
                    throw e;
                }
            }
        }
        return OperationView.of(info, slug);
    }

    /**
     * The path's operation id: a UUID in its canonical 8-4-4-4-12 form. The path parameter is named
     * {@code key} like every other route's, so generic checks of the served paths treat it alike.
     */
    private static UUID id(Context ctx) {
        String text = ctx.pathParam("key");
        if (!UUID_TEXT.matcher(text).matches()) {
            throw QueryParameters.invalid("'" + QueryParameters.printable(text) + "' is not an operation id: give the "
                    + "UUID that 'strata operations list' (GET /v1/operations) shows");
        }
        return UUID.fromString(text);
    }

    private static OperationState state(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OperationState.parse(text);
        } catch (StrataException e) {
            throw QueryParameters.invalid("Query parameter 'state': " + e.getMessage());
        }
    }

    private static OperationKind kind(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OperationKind.parse(text);
        } catch (StrataException e) {
            throw QueryParameters.invalid("Query parameter 'kind': " + e.getMessage());
        }
    }
}
