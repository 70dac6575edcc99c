package dev.strata.internal.provisioning;

import dev.strata.IsolationMode;
import dev.strata.Tier;

import java.util.UUID;

/**
 * Where a new tenant goes and what must be built for it.
 *
 * @param tenantId   the tenant
 * @param slug       its slug
 * @param tier       its tier
 * @param parentId   its parent
 * @param mode       its isolation mode
 * @param database   the database record (new or shared)
 * @param schema     the schema holding its rows
 * @param ownsDatabase whether the database is the tenant's own (dropped with it)
 * @param ownsSchema   whether the schema is the tenant's own (schema mode)
 */
public record PlacementPlan(UUID tenantId, String slug, Tier tier, UUID parentId, IsolationMode mode,
                            DatabaseRecord database, String schema, boolean ownsDatabase, boolean ownsSchema) {
}
