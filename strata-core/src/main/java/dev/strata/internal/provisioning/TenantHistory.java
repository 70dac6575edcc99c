package dev.strata.internal.provisioning;

import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.sql.Jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads a tenant's audit trail ({@code platform.tenant_events}), oldest first. Thread-safe. */
final class TenantHistory {
    private final Registry registry;

    TenantHistory(Registry registry) {
        this.registry = registry;
    }

    List<TenantEvent> of(String key) {
        Tenant tenant = registry.resolve(key);
        return Jdbc.withConnection(registry.dataSource(), "read tenant history", c -> {
            List<TenantEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, tenant_id, at, action, actor, detail::text FROM platform.tenant_events WHERE tenant_id = ? ORDER BY id")) {
                ps.setObject(1, tenant.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TenantEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                                rs.getString(4), rs.getString(5), rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }
}
