package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantLimits;
import dev.strata.Tenants;
import dev.strata.server.api.LimitsView.Source;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A tenant's limits over HTTP: show the limits it runs with, give it limits of its own, or return
 * it to its tier's. Changes apply to its next transaction in every process and are recorded in its
 * history.
 */
final class LimitRoutes {
    private static final String PATH = "/v1/tenants/{key}/limits";
    private static final long MAX_MILLIS = TenantLimits.MAX_TIMEOUT.toMillis();
    private static final String EXPECTED = "{\"max_concurrent_transactions\": 1 or more, \"acquire_timeout_ms\": 0 or more, "
            + "\"statement_timeout_ms\": 0 or more (0 for none)}, timeouts at most " + MAX_MILLIS + " ms";

    /** Body of {@code PUT /v1/tenants/{key}/limits}; every field is required. */
    record LimitsRequest(Long maxConcurrentTransactions, Long acquireTimeoutMs, Long statementTimeoutMs) {
    }

    private final Strata strata;

    LimitRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.TENANT_READ, this::show),
                new ApiEndpoint(HandlerType.PUT, PATH, Access.TENANT_ADMIN, this::set),
                new ApiEndpoint(HandlerType.DELETE, PATH, Access.TENANT_ADMIN, this::clear));
    }

    private void show(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = resolve(ctx);
        Optional<TenantLimits> own = strata.tenants().ownLimits(tenant.id().toString());
        ctx.json(own.map(limits -> LimitsView.of(tenant, limits, Source.TENANT))
                .orElseGet(() -> LimitsView.of(tenant, strata.config().limitsFor(tenant.tier()), Source.TIER)));
    }

    private void set(Context ctx) {
        QueryParameters.of(ctx);
        Tenant tenant = resolve(ctx);
        TenantLimits limits = limits(RequestBodies.read(ctx, LimitsRequest.class));
        requireWithinCaller(Caller.of(ctx), tenant, limits);
        ctx.json(LimitsView.of(tenant, tenants(ctx).setLimits(tenant.id().toString(), limits), Source.TENANT));
    }

    private void clear(Context ctx) {
        QueryParameters.of(ctx);
        RequestBodies.requireNone(ctx);
        Tenant tenant = resolve(ctx);
        ctx.json(LimitsView.of(tenant, tenants(ctx).clearLimits(tenant.id().toString()), Source.TIER));
    }

    private static TenantLimits limits(LimitsRequest body) {
        if (body == null) {
            throw invalid("A JSON body is required: " + EXPECTED);
        }
        List<String> missing = new ArrayList<>();
        if (body.maxConcurrentTransactions() == null) {
            missing.add("max_concurrent_transactions");
        }
        if (body.acquireTimeoutMs() == null) {
            missing.add("acquire_timeout_ms");
        }
        if (body.statementTimeoutMs() == null) {
            missing.add("statement_timeout_ms");
        }
        if (!missing.isEmpty()) {
            throw invalid("Missing " + String.join(", ", missing) + ": all three limits are required, " + EXPECTED
                    + " (DELETE returns the tenant to its tier's)");
        }
        long max = body.maxConcurrentTransactions();
        if (max < 1 || max > Integer.MAX_VALUE) {
            throw invalid("max_concurrent_transactions must be 1 to " + Integer.MAX_VALUE + ", was " + max);
        }
        return new TenantLimits((int) max, timeout("acquire_timeout_ms", body.acquireTimeoutMs()),
                timeout("statement_timeout_ms", body.statementTimeoutMs()));
    }

    private static Duration timeout(String field, long millis) {
        if (millis < 0 || millis > MAX_MILLIS) {
            throw invalid(field + " must be 0 to " + MAX_MILLIS + " (milliseconds), was " + millis);
        }
        return Duration.ofMillis(millis);
    }

    /** The path's tenant, as its access rule resolved it within the caller's subtree. */
    private static Tenant resolve(Context ctx) {
        return Authorizer.tenant(ctx);
    }

    /**
     * A T1 key gives its T2s limits within its own (the limits the operator left it): no more
     * concurrent transactions, no longer waits, no longer (or no) statement timeout.
     */
    private void requireWithinCaller(Caller caller, Tenant tenant, TenantLimits wanted) {
        if (caller.isOperator()) {
            return;
        }
        TenantLimits own = strata.tenants().limits(caller.tenantId().toString());
        List<String> over = new ArrayList<>();
        if (wanted.maxConcurrentTransactions() > own.maxConcurrentTransactions()) {
            over.add("max_concurrent_transactions " + wanted.maxConcurrentTransactions() + " > " + own.maxConcurrentTransactions());
        }
        if (wanted.acquireTimeout().compareTo(own.acquireTimeout()) > 0) {
            over.add("acquire_timeout_ms " + wanted.acquireTimeout().toMillis() + " > " + own.acquireTimeout().toMillis());
        }
        boolean ownBounded = !own.statementTimeout().isZero();
        if (ownBounded && (wanted.statementTimeout().isZero() || wanted.statementTimeout().compareTo(own.statementTimeout()) > 0)) {
            over.add("statement_timeout_ms " + wanted.statementTimeout().toMillis() + (wanted.statementTimeout().isZero()
                    ? " (none)" : "") + " > " + own.statementTimeout().toMillis());
        }
        if (!over.isEmpty()) {
            throw new StrataException(ErrorCode.FORBIDDEN, "A T1 key gives its T2s limits within its own: " + String.join(", ", over)
                    + " for '" + tenant.slug() + "'. Nothing was changed; ask the operator to raise your T1's limits first");
        }
    }

    private Tenants tenants(Context ctx) {
        return strata.tenants().actingAs(Authenticator.key(ctx).actor());
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
