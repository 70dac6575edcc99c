package dev.strata.internal.provisioning;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;

import java.util.UUID;

/** Rules every lifecycle operation shares: which subtree lock covers a tenant, and when a parent takes children. */
final class LifecycleRules {
    private LifecycleRules() {
    }

    /** The T1 whose subtree lock covers a T1 or T2 tenant. */
    static UUID subtreeOf(Tenant tenant) {
        return tenant.tier() == Tier.T1 ? tenant.id() : tenant.parentId();
    }

    /** Refuses a parent that may not get a new child now (checked under its subtree lock). */
    static void requireTakesChildren(Tenant parent) {
        switch (parent.status()) {
            case ACTIVE -> {
                return;
            }
            case SUSPENDED -> throw new StrataException(ErrorCode.TENANT_SUSPENDED,
                    "Parent tenant '" + parent.slug() + "' is suspended: resume it before adding tenants under it");
            case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Parent tenant '" + parent.slug() + "' is decommissioned");
            case DECOMMISSIONING -> throw new StrataException(ErrorCode.OPERATION_CONFLICT,
                    "Parent tenant '" + parent.slug() + "' is being decommissioned: it takes no new tenants");
            default -> throw new StrataException(ErrorCode.INVALID_STATE,
                    "Parent tenant '" + parent.slug() + "' is " + parent.status().wireName() + "; try again when it is active");
        }
    }
}
