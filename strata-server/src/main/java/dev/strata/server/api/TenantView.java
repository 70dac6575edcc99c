package dev.strata.server.api;

import dev.strata.Placement;
import dev.strata.Tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant as the REST API shows it. {@code mode}, {@code database} and {@code schema} are
 * {@code null} for the T0, which holds no data; {@code parent} is the parent's slug; {@code plane} is the key of the
 * data plane its data is on ({@code null} for the T0); {@code compute} is, in {@code tenants show} of a tenant on a
 * Neon plane, its T1's Neon project, branch and compute with the last cold start ({@code null} otherwise).
 */
public record TenantView(UUID id, String slug, String name, int tier, UUID parentId, String parent, String status,
                         String region, String mode, String database, String schema, Instant createdAt,
                         Instant updatedAt, String plane, NeonComputeView compute) {

    /** A Neon T1's compute as {@code tenants show} reports it. */
    public record NeonComputeView(String projectId, String branchId, String endpointId, long coldStarts,
                                  Instant lastWokenAt, Long lastWakeMs) {
    }

    /** The view with the tenant's Neon compute. */
    public TenantView withCompute(NeonComputeView value) {
        return new TenantView(id, slug, name, tier, parentId, parent, status, region, mode, database, schema, createdAt,
                updatedAt, plane, value);
    }

    public static TenantView of(Tenant tenant, String parentSlug) {
        Placement p = tenant.placement();
        return new TenantView(tenant.id(), tenant.slug(), tenant.displayName(), tenant.tier().level(), tenant.parentId(),
                parentSlug, tenant.status().wireName(), tenant.region(), p == null ? null : p.mode().wireName(),
                p == null ? null : p.database(), p == null ? null : p.schema(), tenant.createdAt(), tenant.updatedAt(),
                p == null ? null : p.dataPlane(), null);
    }
}
