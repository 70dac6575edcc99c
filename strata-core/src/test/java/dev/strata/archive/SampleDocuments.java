package dev.strata.archive;

import dev.strata.Strata;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Documents whose text exercises every escape of the COPY text format (tabs, newlines, carriage
 * returns, backslashes, a literal {@code \N}, quotes, empty strings, unicode beyond the BMP) and
 * time stamps with microseconds, far past and far future; and reading them back as one tenant.
 */
final class SampleDocuments {
    private static final String[] NASTY = {
            "", "\t", "a\tb", "line1\nline2", "cr\r\nlf", "back\\slash", "\\N", "\\\\N", "'single' \"double\"",
            "unicode: żółć ÆØÅ 日本語 مرحبا 🚀🧪", "trailing space ", " leading", "comma,separated", "|pipe|",
            "percent % underscore _", "\u00a0nbsp", "zero\u200bwidth", "\\.", "end\\"};

    private SampleDocuments() {
    }

    /** Inserts {@code count} documents as the tenant (through its own context, like an application). */
    static void insert(Strata strata, UUID tenant, int count, long seed) {
        try {
            insertRows(strata, tenant, count, seed);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void insertRows(Strata strata, UUID tenant, int count, long seed) throws SQLException {
        Random random = new Random(seed);
        strata.useTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, id, title, body, created_at) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < count; i++) {
                    ps.setObject(1, scope.tenantId());
                    ps.setObject(2, new UUID(random.nextLong(), random.nextLong()));
                    ps.setString(3, "doc " + i + " " + NASTY[i % NASTY.length]);
                    ps.setString(4, NASTY[random.nextInt(NASTY.length)] + NASTY[random.nextInt(NASTY.length)] + i);
                    long seconds = -2_000_000_000L + (long) (random.nextDouble() * 6_000_000_000L);
                    ps.setObject(5, OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(seconds, random.nextInt(1_000_000) * 1000L),
                            ZoneOffset.ofHours(random.nextInt(25) - 12)));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    /** Every document of the tenant (its own only, even for a T1), as comparable text, sorted. */
    static List<String> read(Strata strata, UUID tenant) {
        try {
            return readRows(strata, tenant);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> readRows(Strata strata, UUID tenant) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "SELECT id, title, body, created_at FROM documents WHERE tenant_id = ? ORDER BY id")) {
                ps.setObject(1, scope.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|"
                                + rs.getObject(4, OffsetDateTime.class).toInstant());
                    }
                }
            }
            return rows;
        });
    }
}
