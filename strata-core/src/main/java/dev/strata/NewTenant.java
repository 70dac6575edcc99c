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
 * @param region      optional data-residency label; a T1 with a region is placed on an active data
 *                    plane of that region with room (the least used), as soon as any plane declares a
 *                    region (until then it is a label only)
 * @param id          the id to use, {@code null} to generate one (import uses this to keep ids)
 * @param plane       the key of the data plane a T1's data goes to, {@code null} to choose by region
 *                    (or the default plane); a T2 lives where its T1's database is
 */
public record NewTenant(Tier tier, String slug, String parent, String displayName, IsolationMode mode,
                        String region, UUID id, String plane) {

    public NewTenant {
        Objects.requireNonNull(tier, "tier");
    }

    /** A request without a data plane: placed by region, or on the default plane. */
    public NewTenant(Tier tier, String slug, String parent, String displayName, IsolationMode mode, String region,
                     UUID id) {
        this(tier, slug, parent, displayName, mode, region, id, null);
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
        return new NewTenant(tier, slug, parent, name, mode, region, id, plane);
    }

    public NewTenant withMode(IsolationMode newMode) {
        return new NewTenant(tier, slug, parent, displayName, newMode, region, id, plane);
    }

    public NewTenant withRegion(String newRegion) {
        return new NewTenant(tier, slug, parent, displayName, mode, newRegion, id, plane);
    }

    public NewTenant withParent(String newParent) {
        return new NewTenant(tier, slug, newParent, displayName, mode, region, id, plane);
    }

    public NewTenant withId(UUID newId) {
        return new NewTenant(tier, slug, parent, displayName, mode, region, newId, plane);
    }

    /** Places a T1's data on the data plane with this key. */
    public NewTenant withPlane(String newPlane) {
        return new NewTenant(tier, slug, parent, displayName, mode, region, id, newPlane);
    }
}
