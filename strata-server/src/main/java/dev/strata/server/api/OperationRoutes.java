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
    private static final String PATH = "/v1/operations";
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Strata strata;

    OperationRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, this::list),
                new ApiEndpoint(HandlerType.GET, PATH + "/{key}", this::show),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/resume", this::resume),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/abort", this::abort));
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging("state", "kind", "tenant"));
        Pagination paging = Pagination.of(query, "operations", query.value("state"), query.value("kind"),
                query.value("tenant"));
        OperationFilter filter = OperationFilter.all()
                .withState(state(query.get("state")))
                .withKind(kind(query.get("kind")))
                .withTenant(query.get("tenant"))
                .withLimit(paging.limit())
                .withAfter(paging.position() == null ? null : position(paging.position()));
        List<OperationInfo> operations = strata.operations().list(filter);
        String next = null;
        if (operations.size() == paging.limit()) {
            OperationFilter.Position last = OperationFilter.Position.of(operations.get(operations.size() - 1));
            if (!strata.operations().list(filter.withLimit(1).withAfter(last)).isEmpty()) {
                next = paging.cursorAfter(position(operations.get(operations.size() - 1)));
            }
        }
        Map<UUID, String> slugs = new HashMap<>();
        for (Tenant t : strata.tenants().list()) {
            slugs.put(t.id(), t.slug());
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
        ctx.json(view(strata.operations().show(id(ctx))));
    }

    private void resume(Context ctx) {
        QueryParameters.of(ctx);
        UUID id = id(ctx);
        RequestBodies.requireNone(ctx);
        ctx.json(view(strata.operations().resume(id)));
    }

    private void abort(Context ctx) {
        QueryParameters.of(ctx);
        UUID id = id(ctx);
        RequestBodies.requireNone(ctx);
        ctx.json(view(strata.operations().abort(id)));
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
