package dev.strata.server.demo;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tenants;
import dev.strata.Tier;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The specification's example: T1 {@code alpha} with T2s {@code a1} and {@code a2}, T1
 * {@code beta} with T2 {@code b1}, all in the hybrid default (a database per T1, its T2s in it
 * under RLS). Built idempotently: existing tenants are reused (resumed if suspended), missing or
 * decommissioned ones created.
 */
public record DemoTopology(Tenant alpha, Tenant a1, Tenant a2, Tenant beta, Tenant b1) {

    /** Every tenant, each T1 before its T2s. */
    public List<Tenant> all() {
        return List.of(alpha, a1, a2, beta, b1);
    }

    /** The T2s. */
    List<Tenant> customers() {
        return List.of(a1, a2, b1);
    }

    /** The T1 a T2 of this topology belongs to. */
    Tenant partnerOf(Tenant t2) {
        return t2.parentId().equals(alpha.id()) ? alpha : beta;
    }

    /** The T2s of a T1 of this topology. */
    List<Tenant> customersOf(Tenant t1) {
        return t1.id().equals(alpha.id()) ? List.of(a1, a2) : List.of(b1);
    }

    public static DemoTopology ensure(Tenants tenants) {
        Tenant alpha = ensure(tenants, NewTenant.t1("alpha").withDisplayName("Alpha (partner)"));
        Tenant a1 = ensure(tenants, NewTenant.t2("a1", alpha.id().toString()).withDisplayName("A1 (customer of alpha)"));
        Tenant a2 = ensure(tenants, NewTenant.t2("a2", alpha.id().toString()).withDisplayName("A2 (customer of alpha)"));
        Tenant beta = ensure(tenants, NewTenant.t1("beta").withDisplayName("Beta (partner)"));
        Tenant b1 = ensure(tenants, NewTenant.t2("b1", beta.id().toString()).withDisplayName("B1 (customer of beta)"));
        return new DemoTopology(alpha, a1, a2, beta, b1);
    }

    private static Tenant ensure(Tenants tenants, NewTenant wanted) {
        Optional<Tenant> existing = find(tenants, wanted.slug());
        if (existing.isEmpty()) {
            try {
                return tenants.create(wanted);
            } catch (StrataException e) {
                existing = e.code() == ErrorCode.DUPLICATE_SLUG ? find(tenants, wanted.slug()) : Optional.empty();
                if (existing.isEmpty()) {
                    throw e;
                }
                // another process created it meanwhile: use that one
            }
        }
        Tenant tenant = existing.get();
        requireShape(tenant, wanted);
        return tenant.status() == TenantStatus.SUSPENDED ? tenants.resume(tenant.id().toString()) : tenant;
    }

    /** The live tenant with this slug, if any. */
    private static Optional<Tenant> find(Tenants tenants, String slug) {
        try {
            Tenant tenant = tenants.get(slug);
            return tenant.status() == TenantStatus.DECOMMISSIONED ? Optional.empty() : Optional.of(tenant);
        } catch (StrataException e) {
            if (e.code() == ErrorCode.TENANT_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static void requireShape(Tenant existing, NewTenant wanted) {
        boolean tierMatches = existing.tier() == wanted.tier();
        boolean parentMatches = wanted.tier() == Tier.T1 || Objects.equals(existing.parentId().toString(), wanted.parent());
        if (!tierMatches || !parentMatches) {
            throw new StrataException(ErrorCode.INVALID_STATE, "The demo needs '" + wanted.slug() + "' as a " + wanted.tier()
                    + (wanted.tier() == Tier.T2 ? " under " + wanted.parent() : "") + ", but a " + existing.tier()
                    + " with that slug exists: run the demo in another data directory or namespace");
        }
    }
}
