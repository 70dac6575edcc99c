package dev.strata.backup;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.backup.BackupsImpl;
import dev.strata.testing.TestStrata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.qualified;

/** What the backup tests look at: a backup directory per test class, the shop's rows of one tenant, a clock. */
final class BackupWorld {
    static final List<String> SHOP_TABLES = List.of("customers", "orders", "order_lines", "events");

    private BackupWorld() {
    }

    static Path newDirectory() {
        try {
            return Files.createTempDirectory("strata-backup-test-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Backups of {@code strata} in {@code dir}, on the test's clock. */
    static BackupsImpl backups(Strata strata, Path dir, TestClock clock) {
        return new BackupsImpl(strata.internals(), dir, "test", clock);
    }

    /** Every row of the tenant in the shop's tables, as jsonb text without tenant_id, sorted. */
    static Map<String, List<String>> rows(Tenant tenant) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            for (String table : SHOP_TABLES) {
                List<String> rows = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT (to_jsonb(r) - 'tenant_id')::text FROM "
                        + qualified(tenant.placement().schema(), table) + " r WHERE tenant_id = ? ORDER BY 1")) {
                    ps.setObject(1, tenant.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            rows.add(rs.getString(1));
                        }
                    }
                }
                out.put(table, rows);
            }
        }
        return out;
    }

    /** How many customers the tenant has. */
    static long customers(Tenant tenant) throws SQLException {
        return rows(tenant).get("customers").size();
    }

    /** Deletes one of the tenant's customers' orders' lines (a change to undo by a restore). */
    static void deleteLines(Strata strata, UUID tenant) throws SQLException {
        strata.inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("DELETE FROM order_lines WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                return ps.executeUpdate();
            }
        });
    }
}
