package dev.strata.internal.routing;

import dev.strata.IsolationMode;
import dev.strata.TenantLimits;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.context.TenantContext;
import dev.strata.internal.pool.DatabaseKey;
import dev.strata.internal.pool.TenantPools;

import java.util.UUID;

/**
 * Everything the request path needs to run work for one tenant, resolved from the management
 * database once and cached: where its data is, which role reaches it, and its context.
 *
 * @param status       the tenant's status, or its T1's when that one is not active
 * @param blockingSlug the slug of the tenant whose status blocks work ({@code slug} or its T1's)
 * @param limits       the tenant's effective limits: its own override, else its tier's
 * @param frozen       whether a move is cutting the tenant over: its new transactions wait
 * @param freezeWait   how long a new transaction waits for the freeze to end before it fails with
 *                     {@link dev.strata.ErrorCode#TENANT_MOVING}
 */
public record Route(UUID tenantId, String slug, Tier tier, UUID parentId, TenantStatus status, String blockingSlug,
                    IsolationMode mode, DatabaseKey database, String schema, long version,
                    TenantPools.Credentials credentials, TenantContext context, TenantLimits limits,
                    boolean frozen, java.time.Duration freezeWait) {
}
