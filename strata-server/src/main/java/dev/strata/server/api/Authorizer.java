package dev.strata.server.api;

import dev.strata.Strata;
import dev.strata.Tenant;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import org.slf4j.MDC;

import java.util.List;
import java.util.Locale;

/**
 * Enforces each endpoint's {@link Access} rule before its handler runs (after {@link Authenticator}
 * admitted the key). For the tenant rules it resolves the path's tenant once, through
 * {@link Caller#visible}, and hands it to the handler ({@link #tenant}).
 */
final class Authorizer {
    private static final String TENANT = "strata.path-tenant";

    private final Strata strata;

    Authorizer(Strata strata) {
        this.strata = strata;
    }

    /**
     * Checks that every endpoint declares a rule, and that the tenant rules name a {@code {key}}.
     *
     * @throws IllegalStateException naming the first endpoint that does not: the server must not start
     */
    static void requireRules(List<ApiEndpoint> endpoints) {
        for (ApiEndpoint endpoint : endpoints) {
            if (endpoint.access() == null) {
                throw new IllegalStateException("Endpoint " + endpoint.name() + " declares no access rule: give its "
                        + "ApiEndpoint an Access (PUBLIC, OPERATOR, TENANT_READ, TENANT_ADMIN, TENANT_DATA, TENANT_OWNER or "
                        + "SUBTREE); the API does not start with an endpoint anyone could call");
            }
            boolean tenantRule = endpoint.access() == Access.TENANT_READ || endpoint.access() == Access.TENANT_ADMIN
                    || endpoint.access() == Access.TENANT_DATA || endpoint.access() == Access.TENANT_OWNER;
            if (tenantRule && !endpoint.path().contains("{key}")) {
                throw new IllegalStateException("Endpoint " + endpoint.name() + " is " + endpoint.access()
                        + " but its path has no {key} naming the tenant");
            }
        }
    }

    /** The endpoint's handler behind its rule. */
    Handler guard(ApiEndpoint endpoint) {
        Handler handler = endpoint.handler();
        return switch (endpoint.access()) {
            case PUBLIC -> handler;
            case OPERATOR -> ctx -> {
                Caller caller = Caller.of(ctx);
                if (!caller.isOperator()) {
                    throw caller.forbidden(endpoint.name());
                }
                handler.handle(ctx);
            };
            case TENANT_READ -> ctx -> {
                pathTenant(ctx, Caller.of(ctx));
                handler.handle(ctx);
            };
            case TENANT_ADMIN -> ctx -> {
                Caller caller = Caller.of(ctx);
                Tenant tenant = pathTenant(ctx, caller);
                if (!caller.administers(tenant)) {
                    throw caller.forbidden(endpoint.method().name().toUpperCase(Locale.ROOT) + " on tenant '"
                            + tenant.slug() + "'");
                }
                handler.handle(ctx);
            };
            case TENANT_OWNER -> ctx -> {
                Caller caller = Caller.of(ctx);
                Tenant tenant = pathTenant(ctx, caller);
                if (!caller.owns(tenant)) {
                    throw caller.forbidden(endpoint.method().name().toUpperCase(Locale.ROOT) + " on tenant '"
                            + tenant.slug() + "' (only the operator or the T1's own key)");
                }
                handler.handle(ctx);
            };
            case TENANT_DATA -> ctx -> {
                Caller caller = Caller.of(ctx);
                Tenant tenant = pathTenant(ctx, caller);
                caller.requireAdministrator(endpoint.method().name().toUpperCase(Locale.ROOT) + " on tenant '"
                        + tenant.slug() + "'");
                handler.handle(ctx);
            };
            case SUBTREE -> ctx -> {
                Caller.of(ctx);
                handler.handle(ctx);
            };
        };
    }

    private Tenant pathTenant(Context ctx, Caller caller) {
        Tenant tenant = caller.visible(strata, ctx.pathParam("key"));
        MDC.put("tenant", tenant.id().toString());
        ctx.attribute(TENANT, tenant);
        return tenant;
    }

    /** The tenant of the path, as the rule resolved it (endpoints with a tenant rule only). */
    static Tenant tenant(Context ctx) {
        Tenant tenant = ctx.attribute(TENANT);
        if (tenant == null) {
            throw new IllegalStateException("No tenant rule resolved this request's tenant");
        }
        return tenant;
    }
}
