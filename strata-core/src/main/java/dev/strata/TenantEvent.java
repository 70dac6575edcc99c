package dev.strata;

import java.time.Instant;
import java.util.UUID;

/**
 * One entry of a tenant's audit trail in the management database; kept after the tenant is
 * decommissioned.
 *
 * @param id         increasing sequence number
 * @param tenantId   the tenant
 * @param at         when it happened
 * @param action     what happened ({@code created}, {@code suspended}, {@code resumed},
 *                   {@code decommissioned}, {@code imported}, {@code schema_limit_warning}, ...)
 * @param actor      who did it
 * @param detailJson details as a JSON object
 */
public record TenantEvent(long id, UUID tenantId, Instant at, String action, String actor, String detailJson) {
}
