package dev.strata.server.api;

import dev.strata.Placement;
import dev.strata.Tenant;

import java.time.Instant;
import java.util.UUID;

/**
 * A tenant as the REST API shows it. {@code mode}, {@code database} and {@code schema} are
 * {@code null} for the T0, which holds no data; {@code parent} is the parent's slug; {@code plane} is the key of the
 * data plane its data is on ({@code null} for the T0).
 */
public record TenantView(UUID id, String slug, String name, int tier, UUID parentId, String parent, String status,
                         String region, String mode, String database, String schema, Instant createdAt,
                         Instant updatedAt, String plane) {

    public static TenantView of(Tenant tenant, String parentSlug) {
        Placement p = tenant.placement();
        return new TenantView(tenant.id(), tenant.slug(), tenant.displayName(), tenant.tier().level(), tenant.parentId(),
                parentSlug, tenant.status().wireName(), tenant.region(), p == null ? null : p.mode().wireName(),
                p == null ? null : p.database(), p == null ? null : p.schema(), tenant.createdAt(), tenant.updatedAt(),
                p == null ? null : p.dataPlane());
    }
}
