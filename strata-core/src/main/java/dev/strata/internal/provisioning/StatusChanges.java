package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

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

    /** An operator's suspend: refused while a restore of the tenant is open (the restore suspends and resumes it). */
    Tenant suspend(String key, String actor) {
        return change(key, TenantStatus.ACTIVE, TenantStatus.SUSPENDED, "suspend", "suspended", actor, true);
    }

    /** An operator's resume: refused while a restore of the tenant is open (it would serve the data being replaced). */
    Tenant resume(String key, String actor) {
        return change(key, TenantStatus.SUSPENDED, TenantStatus.ACTIVE, "resume", "resumed", actor, true);
    }

    /** A suspend made by an operation of Strata's own (a restore), which is the open operation. */
    Tenant suspendForOperation(String key, String actor) {
        return change(key, TenantStatus.ACTIVE, TenantStatus.SUSPENDED, "suspend", "suspended", actor, false);
    }

    /** A resume made by an operation of Strata's own (a restore), which is the open operation. */
    Tenant resumeForOperation(String key, String actor) {
        return change(key, TenantStatus.SUSPENDED, TenantStatus.ACTIVE, "resume", "resumed", actor, false);
    }

    private Tenant change(String key, TenantStatus from, TenantStatus to, String verb, String action, String actor,
                          boolean refuseDuringRestore) {
        Tenant found = registry.resolve(key);
        if (found.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be " + action);
        }
        Tenant changed = Jdbc.inTransaction(registry.dataSource(), verb + " tenant", c -> {
            SubtreeLocks.lockSubtree(c, LifecycleRules.subtreeOf(found));
            Tenant tenant = registry.findById(c, found.id()).orElseThrow();
            if (refuseDuringRestore) {
                refuseDuringRestore(c, tenant, action);
            }
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

    /**
     * A restore in progress (running, or interrupted and not yet resumed or aborted) holds the tenant
     * suspended while it replaces its data, and gives it back itself.
     */
    private static void refuseDuringRestore(Connection c, Tenant tenant, String action) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM platform.operations WHERE tenant_id = ? "
                + "AND kind = ? AND state = 'running' LIMIT 1")) {
            ps.setObject(1, tenant.id());
            ps.setString(2, OperationKind.RESTORE.wireName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + tenant.slug() + "' is being "
                            + "restored (operation " + rs.getString(1) + "), which holds it suspended and resumes it when "
                            + "done: it cannot be " + action + " by hand meanwhile (abort the restore with 'strata "
                            + "operations abort " + rs.getString(1) + "' to get it back as it was)");
                }
            }
        }
    }
}
