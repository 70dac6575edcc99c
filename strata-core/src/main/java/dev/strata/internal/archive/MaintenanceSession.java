package dev.strata.internal.archive;

import dev.strata.Tier;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Prepares an administrator transaction in a tenant database for archive work: the tenant's
 * context (so forced row level security admits exactly its rows even for a non-superuser owner)
 * and canonical output settings, so that the same rows are written as the same bytes, and so have
 * the same checksum, on any server and in any session: time stamps in UTC and ISO style, floats
 * with round-trip precision, bytea in hex. Everything is transaction-local ({@code set_config(...,
 * true)}); {@code search_path} is {@code pg_catalog} only, since every name is written qualified.
 */
final class MaintenanceSession {
    private static final String APPLY = """
            SELECT set_config('TimeZone', 'UTC', true),
                   set_config('DateStyle', 'ISO, YMD', true),
                   set_config('IntervalStyle', 'postgres', true),
                   set_config('extra_float_digits', '1', true),
                   set_config('bytea_output', 'hex', true),
                   set_config('lc_monetary', 'C', true),
                   set_config('search_path', 'pg_catalog', true),
                   platform.set_tenant_context(?, ?)""";

    private MaintenanceSession() {
    }

    /**
     * Applies the settings to the connection's current transaction (autocommit must be off).
     * {@code readOnlySnapshot} makes it one REPEATABLE READ, READ ONLY transaction (an export);
     * it must then be the transaction's first statement.
     */
    static void begin(Connection c, UUID tenantId, Tier tier, boolean readOnlySnapshot) throws SQLException {
        if (c.getAutoCommit()) {
            throw new IllegalStateException("Archive work needs a transaction");
        }
        if (readOnlySnapshot) {
            try (PreparedStatement ps = c.prepareStatement("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")) {
                ps.execute();
            }
        }
        try (PreparedStatement ps = c.prepareStatement(APPLY)) {
            ps.setObject(1, tenantId);
            ps.setInt(2, tier.level());
            ps.execute();
        }
    }
}
