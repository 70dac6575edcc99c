package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.internal.registry.TenantRules;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.UUID;

/**
 * The authenticated caller of a request: its {@link ApiKey} and the subtree that key reaches (its
 * tenant and, for a T1, that T1's T2s; everything for a T0). Every answer about a tenant outside the
 * subtree is built here to be exactly the answer about a tenant that does not exist. Immutable.
 */
final class Caller {
    private final ApiKey key;

    private Caller(ApiKey key) {
        this.key = key;
    }

    /** The caller of an authenticated request. */
    static Caller of(Context ctx) {
        return new Caller(Authenticator.key(ctx));
    }

    ApiKey key() {
        return key;
    }

    UUID tenantId() {
        return key.tenantId();
    }

    boolean isOperator() {
        return key.tier() == Tier.T0;
    }

    /** Whether the tenant is the caller's own or below it. */
    boolean sees(Tenant tenant) {
        return isOperator() || tenant.id().equals(key.tenantId()) || key.tenantId().equals(tenant.parentId());
    }

    /** Whether the caller administers the tenant: a T0 any, a T1 its own T2s, a T2 none. */
    boolean administers(Tenant tenant) {
        return isOperator() || (key.tier() == Tier.T1 && key.tenantId().equals(tenant.parentId()));
    }

    /** Whether the caller is the operator or this T1's own key. */
    boolean owns(Tenant tenant) {
        return isOperator() || (key.tier() == Tier.T1 && key.tenantId().equals(tenant.id()));
    }

    /**
     * The tenant with this id or slug if the caller sees it; otherwise the very
     * {@code TENANT_NOT_FOUND} of a tenant that does not exist.
     */
    Tenant visible(Strata strata, String idOrSlug) {
        Tenant tenant = strata.tenants().get(idOrSlug);
        if (!sees(tenant)) {
            throw notFound(idOrSlug);
        }
        return tenant;
    }

    /** Whether the caller sees the tenant with this id, looked up in {@code tenants} (every tenant by id). */
    boolean sees(java.util.Map<UUID, Tenant> tenants, UUID id) {
        if (isOperator()) {
            return true;
        }
        Tenant tenant = id == null ? null : tenants.get(id);
        return tenant != null && sees(tenant);
    }

    /** Every tenant by id, for filtering a list with {@link #sees(java.util.Map, UUID)}. */
    static java.util.Map<UUID, Tenant> byId(Strata strata) {
        java.util.Map<UUID, Tenant> tenants = new java.util.HashMap<>();
        strata.tenants().list().forEach(t -> tenants.put(t.id(), t));
        return tenants;
    }

    /** The tenant with this id, if it exists and the caller sees it. */
    Optional<Tenant> visible(Strata strata, UUID id) {
        try {
            Tenant tenant = strata.tenants().get(id);
            return sees(tenant) ? Optional.of(tenant) : Optional.empty();
        } catch (StrataException e) {
            if (e.code() == ErrorCode.TENANT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** The registry's answer for a tenant key that names no tenant, word for word. */
    static StrataException notFound(String idOrSlug) {
        boolean id = TenantRules.parseIdOrValidateSlug(idOrSlug).isPresent();
        return new StrataException(ErrorCode.TENANT_NOT_FOUND,
                "No tenant with " + (id ? "id " : "slug ") + "'" + TenantRules.printable(idOrSlug.trim()) + "'");
    }

    /** Refuses what this key may not do, saying who may. */
    StrataException forbidden(String what) {
        String who = switch (key.tier()) {
            case T0 -> "the operator's key";
            case T1 -> "a T1 key, which administers its own T2s";
            case T2 -> "a T2 key, which reads its own tenant only";
        };
        String needs = key.tier() == Tier.T2 ? "a key of its T1 or the operator's (T0)" : "the operator's key (T0)";
        return new StrataException(ErrorCode.FORBIDDEN, "API key '" + key.name() + "' (" + key.id() + ") is " + who + ": "
                + what + " needs " + needs);
    }

    /** Refuses a T2 key (which changes nothing) with {@link #forbidden}. */
    void requireAdministrator(String what) {
        if (key.tier() == Tier.T2) {
            throw forbidden(what);
        }
    }
}
