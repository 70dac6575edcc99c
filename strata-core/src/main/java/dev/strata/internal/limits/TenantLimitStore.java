package dev.strata.internal.limits;

import dev.strata.ErrorCode;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantLimits;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.routing.Router;
import dev.strata.internal.sql.Jdbc;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Per-tenant overrides of the tier limits, kept in {@code platform.tenant_limits}. Every change is
 * recorded in the tenant's audit trail and drops its route in every process (the table's trigger
 * notifies {@code strata_routing}), so the new limits apply to the tenant's next transaction.
 * Thread-safe.
 */
public final class TenantLimitStore {
    private final DataSource management;
    private final Registry registry;
    private final Router router;
    private final StrataConfig config;

    public TenantLimitStore(DataSource management, Registry registry, Router router, StrataConfig config) {
        this.management = management;
        this.registry = registry;
        this.router = router;
        this.config = config;
    }

    /** The limits a tenant runs with: its override, else its tier's. */
    public TenantLimits effective(String key) {
        Tenant tenant = registry.resolve(key);
        return Jdbc.withConnection(management, "read the limits of '" + tenant.slug() + "'",
                c -> override(c, tenant.id()).orElse(config.limitsFor(tenant.tier())));
    }

    /** A tenant's override, if it has one. */
    public Optional<TenantLimits> own(String key) {
        Tenant tenant = registry.resolve(key);
        return Jdbc.withConnection(management, "read the limits of '" + tenant.slug() + "'", c -> override(c, tenant.id()));
    }

    /** Gives a tenant limits of its own; returns them. */
    public TenantLimits set(String key, TenantLimits limits, String actor) {
        if (limits == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Limits are required; use clearLimits to return to the tier's");
        }
        Tenant tenant = changeable(key);
        Jdbc.useTransaction(management, "set the limits of '" + tenant.slug() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO platform.tenant_limits
                           (tenant_id, max_concurrent_transactions, acquire_timeout_ms, statement_timeout_ms)
                    VALUES (?, ?, ?, ?)
                    ON CONFLICT (tenant_id) DO UPDATE SET
                           max_concurrent_transactions = EXCLUDED.max_concurrent_transactions,
                           acquire_timeout_ms = EXCLUDED.acquire_timeout_ms,
                           statement_timeout_ms = EXCLUDED.statement_timeout_ms,
                           updated_at = now()""")) {
                ps.setObject(1, tenant.id());
                ps.setInt(2, limits.maxConcurrentTransactions());
                ps.setLong(3, limits.acquireTimeout().toMillis());
                ps.setLong(4, limits.statementTimeout().toMillis());
                ps.executeUpdate();
            }
            registry.recordEvent(c, tenant.id(), "limits_changed", actor, describe(limits));
        });
        router.invalidate(tenant.id());
        return limits;
    }

    /** Removes a tenant's own limits; returns its tier's, which apply from now on. */
    public TenantLimits clear(String key, String actor) {
        Tenant tenant = changeable(key);
        Jdbc.useTransaction(management, "clear the limits of '" + tenant.slug() + "'", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM platform.tenant_limits WHERE tenant_id = ?")) {
                ps.setObject(1, tenant.id());
                if (ps.executeUpdate() > 0) {
                    registry.recordEvent(c, tenant.id(), "limits_cleared", actor, null);
                }
            }
        });
        router.invalidate(tenant.id());
        return config.limitsFor(tenant.tier());
    }

    private Tenant changeable(String key) {
        Tenant tenant = registry.resolve(key);
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator runs no tenant transactions and has no limits");
        }
        if (tenant.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + tenant.slug() + "' is decommissioned");
        }
        return tenant;
    }

    private static Optional<TenantLimits> override(Connection c, UUID tenantId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT max_concurrent_transactions, acquire_timeout_ms, statement_timeout_ms
                  FROM platform.tenant_limits WHERE tenant_id = ?""")) {
            ps.setObject(1, tenantId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TenantLimits(rs.getInt(1), Duration.ofMillis(rs.getLong(2)),
                        Duration.ofMillis(rs.getLong(3))));
            }
        }
    }

    private static String describe(TenantLimits limits) {
        return "{\"max_concurrent_transactions\": " + limits.maxConcurrentTransactions()
                + ", \"acquire_timeout_ms\": " + limits.acquireTimeout().toMillis()
                + ", \"statement_timeout_ms\": " + limits.statementTimeout().toMillis() + "}";
    }
}
