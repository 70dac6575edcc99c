package dev.strata.internal.analytics;

import dev.strata.Tier;

import java.util.List;
import java.util.UUID;

/**
 * One place a T0 analytics query runs: an app schema of a tenant database, with the tenants placed
 * in it. Immutable.
 */
record AnalyticsTarget(String dataPlane, String database, String schema, List<Member> tenants) {
    /** A tenant placed in the target. */
    record Member(UUID id, String slug, Tier tier, UUID parentId) {
    }

    AnalyticsTarget {
        tenants = List.copyOf(tenants);
    }

    /** {@code <data plane>/<database>/<schema>}, as {@code strata migrate --target} names it. */
    String name() {
        return dataPlane + "/" + database + "/" + schema;
    }

    List<String> slugs() {
        return tenants.stream().map(Member::slug).toList();
    }

    /**
     * The tenant rows without a {@code tenant_id} column are attributed to: the only tenant placed
     * here, or the T1 whose T2s are the others; {@code null} otherwise (a shared database).
     */
    Member owner() {
        if (tenants.size() == 1) {
            return tenants.get(0);
        }
        List<Member> t1s = tenants.stream().filter(m -> m.tier() == Tier.T1).toList();
        if (t1s.size() == 1) {
            UUID t1 = t1s.get(0).id();
            boolean family = tenants.stream().allMatch(m -> m.id().equals(t1) || t1.equals(m.parentId()));
            return family ? t1s.get(0) : null;
        }
        return null;
    }
}
