package dev.strata.server.demo;

import dev.strata.Strata;
import dev.strata.Tenant;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Writes a few documents as each tenant, through Strata's tenant transactions; every run adds more. */
final class DemoDocuments {
    private DemoDocuments() {
    }

    static void write(Strata strata, DemoTopology topology, int perTenant) throws SQLException {
        String run = Instant.now().toString();
        for (Tenant tenant : topology.all()) {
            strata.useTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO documents (tenant_id, title, body) VALUES (?, ?, ?)")) {
                    for (int i = 1; i <= perTenant; i++) {
                        ps.setObject(1, scope.tenantId());
                        ps.setString(2, tenant.slug() + " document " + i + " of run " + run);
                        ps.setString(3, "Written by the Strata demo as tenant " + tenant.slug() + ".");
                        ps.executeUpdate();
                    }
                }
            });
        }
    }
}
