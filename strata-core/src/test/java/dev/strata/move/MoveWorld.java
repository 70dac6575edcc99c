package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.Shop;
import dev.strata.testing.TestStrata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** What the move tests share: concurrent writers that record what was acknowledged, and ground truth at both sides. */
final class MoveWorld {
    private MoveWorld() {
    }

    /** The tenant tables of the shop schema (partitions are counted through their parent). */
    static final List<String> SHOP_TABLES = List.of("customers", "orders", "order_lines", "events");

    /**
     * Writes one customer per transaction for a tenant until stopped, through Strata, recording
     * every acknowledged id and every error code.
     */
    static final class Writer implements AutoCloseable {
        final Tenant tenant;
        final List<UUID> acknowledged = new CopyOnWriteArrayList<>();
        final Map<ErrorCode, AtomicInteger> errors = new ConcurrentHashMap<>();
        final List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(Strata strata, Tenant tenant) {
            this.tenant = tenant;
            this.thread = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    int n = i++;
                    try {
                        acknowledged.add(strata.inTenant(tenant.id(), scope -> Shop.customer(scope.connection(), tenant.id(),
                                "writer " + n, "writer." + n + "." + UUID.randomUUID() + "@example.test", "{}")));
                    } catch (StrataException e) {
                        errors.computeIfAbsent(e.code(), k -> new AtomicInteger()).incrementAndGet();
                    } catch (Throwable e) {
                        unexpected.add(e);
                    }
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "writer-" + tenant.slug());
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until it has written at least {@code n} rows (a liveness bound). */
        Writer atLeast(int n) throws InterruptedException {
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (acknowledged.size() < n && System.nanoTime() < until && unexpected.isEmpty()) {
                Thread.sleep(10);
            }
            return this;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(30_000);
        }
    }

    /** How many of the ids the tenant sees in customers, and how many rows there are of each id. */
    static void assertEveryAcknowledgedWriteOnce(Strata strata, Writer writer) throws SQLException {
        Map<UUID, Integer> seen = strata.inTenant(writer.tenant.id(), scope -> {
            Map<UUID, Integer> out = new java.util.HashMap<>();
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "SELECT id, count(*) FROM customers WHERE tenant_id = ? GROUP BY id")) {
                ps.setObject(1, writer.tenant.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getObject(1, UUID.class), rs.getInt(2));
                    }
                }
            }
            return out;
        });
        assertThat(writer.unexpected).as("unexpected failures of %s's writer", writer.tenant.slug()).isEmpty();
        for (UUID id : writer.acknowledged) {
            assertThat(seen.get(id)).as("acknowledged write %s of %s", id, writer.tenant.slug()).isEqualTo(1);
        }
    }

    /**
     * What a move under writers must leave: every acknowledged write of both writers there once, the
     * moving tenant's writer refused at most with {@code TENANT_MOVING}, the neighbour's never.
     */
    static void assertWritersUnharmed(Strata strata, Writer moving, Writer neighbour) throws SQLException {
        assertEveryAcknowledgedWriteOnce(strata, moving);
        assertEveryAcknowledgedWriteOnce(strata, neighbour);
        assertThat(moving.errors.keySet()).as("the moving tenant's writer saw only waits and TENANT_MOVING")
                .isSubsetOf(java.util.Set.of(dev.strata.ErrorCode.TENANT_MOVING));
        assertThat(neighbour.errors).as("the neighbour saw no error").isEmpty();
    }

    /** How many customers of {@code owner} {@code reader}'s context sees (0 unless the hierarchy lets it). */
    static long customersSeenBy(Strata strata, dev.strata.Tenant reader, UUID owner) throws SQLException {
        return strata.inTenant(reader.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM customers WHERE tenant_id = ?")) {
                ps.setObject(1, owner);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    /** Rows of the tenant in every shop table of a database schema, read as the administrator (0 if it is gone). */
    static long rowsAt(String database, String schema, UUID tenant) throws SQLException {
        if (!databaseExists(database)) {
            return 0;
        }
        try (Connection c = TestStrata.admin(database)) {
            return rowsAt(c, schema, tenant);
        }
    }

    /** Rows of the tenant in every shop table of a schema, read on an administrator's connection to its database. */
    static long rowsAt(Connection c, String schema, UUID tenant) throws SQLException {
        long total = 0;
        for (String table : SHOP_TABLES) {
            try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
                exists.setString(1, "\"" + schema + "\"." + table);
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        continue;
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT count(*) FROM \"" + schema + "\"." + table + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total += rs.getLong(1);
                }
            }
        }
        return total;
    }

    static boolean databaseExists(String name) throws SQLException {
        return exists("postgres", "SELECT 1 FROM pg_database WHERE datname = ?", name);
    }

    static boolean schemaExists(String database, String schema) throws SQLException {
        return databaseExists(database) && exists(database, "SELECT 1 FROM pg_namespace WHERE nspname = ?", schema);
    }

    /** Replication slots and publications a move left on the server (any database). */
    static List<String> replicationArtefacts() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin("postgres");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'strata_mv_%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add("slot " + rs.getString(1));
            }
        }
        return out;
    }

    static List<String> publications(String database) throws SQLException {
        List<String> out = new ArrayList<>();
        if (!databaseExists(database)) {
            return out;
        }
        try (Connection c = TestStrata.admin(database);
             PreparedStatement ps = c.prepareStatement("SELECT pubname FROM pg_publication WHERE pubname LIKE 'strata_mv_%'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static boolean exists(String database, String sql, String arg) throws SQLException {
        try (Connection c = TestStrata.admin(database); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, arg);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
