package dev.strata;

import java.util.Objects;
import java.util.UUID;

/**
 * A request to register a tenant. Build one with {@link #t1(String)} or {@link #t2(String, String)}
 * and the {@code with...} methods.
 *
 * @param tier        T1 or T2 (the one T0 is created by Strata itself)
 * @param slug        {@code [a-z][a-z0-9-]{1,62}}, unique among tenants not decommissioned
 * @param parent      id or slug of the parent: optional for a T1 (the T0), required for a T2 (a T1)
 * @param displayName free text, defaults to the slug
 * @param mode        isolation mode, {@code null} for the hybrid default (a T1 gets a database,
 *                    a T2 shares its T1's tables under RLS)
 * @param region      optional data-residency label
 * @param id          the id to use, {@code null} to generate one (import uses this to keep ids)
 */
public record NewTenant(Tier tier, String slug, String parent, String displayName, IsolationMode mode,
                        String region, UUID id) {

    public NewTenant {
        Objects.requireNonNull(tier, "tier");
    }

    /** A T1 with the hybrid default (a database of its own). */
    public static NewTenant t1(String slug) {
        return new NewTenant(Tier.T1, slug, null, null, null, null, null);
    }

    /** A T2 under the given T1 (id or slug), with the hybrid default (RLS in its T1's database). */
    public static NewTenant t2(String slug, String parent) {
        return new NewTenant(Tier.T2, slug, parent, null, null, null, null);
    }

    public NewTenant withDisplayName(String name) {
        return new NewTenant(tier, slug, parent, name, mode, region, id);
    }

    public NewTenant withMode(IsolationMode newMode) {
        return new NewTenant(tier, slug, parent, displayName, newMode, region, id);
    }

    public NewTenant withRegion(String newRegion) {
        return new NewTenant(tier, slug, parent, displayName, mode, newRegion, id);
    }

    public NewTenant withParent(String newParent) {
        return new NewTenant(tier, slug, newParent, displayName, mode, region, id);
    }

    public NewTenant withId(UUID newId) {
        return new NewTenant(tier, slug, parent, displayName, mode, region, newId);
    }
}
