package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;

/**
 * Suspends and resumes tenants: one status transition, re-validated and recorded under the T1
 * subtree lock, with an event in the tenant's history. Thread-safe.
 */
final class StatusChanges {
    private final Registry registry;
    private final ProvisioningListener listener;

    StatusChanges(Registry registry, ProvisioningListener listener) {
        this.registry = registry;
        this.listener = listener;
    }

    Tenant suspend(String key, String actor) {
        return change(key, TenantStatus.ACTIVE, TenantStatus.SUSPENDED, "suspend", "suspended", actor);
    }

    Tenant resume(String key, String actor) {
        return change(key, TenantStatus.SUSPENDED, TenantStatus.ACTIVE, "resume", "resumed", actor);
    }

    private Tenant change(String key, TenantStatus from, TenantStatus to, String verb, String action, String actor) {
        Tenant found = registry.resolve(key);
        if (found.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be " + action);
        }
        Tenant changed = Jdbc.inTransaction(registry.dataSource(), verb + " tenant", c -> {
            SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(found));
            Tenant tenant = registry.findById(c, found.id()).orElseThrow();
            if (tenant.status() == to) {
                return tenant;
            }
            switch (tenant.status()) {
                case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                        "Tenant '" + tenant.slug() + "' is decommissioned");
                case DECOMMISSIONING -> throw new StrataException(ErrorCode.OPERATION_CONFLICT,
                        "Tenant '" + tenant.slug() + "' is being decommissioned and cannot be " + action);
                default -> {
                    if (tenant.status() != from) {
                        throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + tenant.slug() + "' is "
                                + tenant.status().wireName() + "; only " + from.wireName() + " tenants can be " + action);
                    }
                }
            }
            registry.updateStatus(c, tenant.id(), from, to);
            registry.recordEvent(c, tenant.id(), action, actor, null);
            return registry.findById(c, tenant.id()).orElseThrow();
        });
        listener.tenantChanged(changed.id());
        return changed;
    }
}
