package dev.strata.internal.move;

import dev.strata.Strata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread writing the shop's tables as one tenant through Strata until stopped, every kind of
 * change a capture must carry: inserts in every table (identity ids, every partition of events),
 * updates that leave a TOASTed value unchanged, updates that change the key (a customer's id, an
 * event's time moving it to another partition), a TOASTed jsonb and text value rewritten, deletes,
 * and a unique email reused after its row was deleted. Each round is one transaction.
 */
final class ShopWriter implements AutoCloseable {
    private final Strata strata;
    private final UUID tenant;
    private final String label;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger rounds = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    private ShopWriter(Strata strata, UUID tenant, String label) {
        this.strata = strata;
        this.tenant = tenant;
        this.label = label;
        this.thread = new Thread(this::run, "shop-writer-" + label);
        this.thread.setDaemon(true);
    }

    static ShopWriter start(Strata strata, UUID tenant, String label) {
        ShopWriter writer = new ShopWriter(strata, tenant, label);
        writer.thread.start();
        return writer;
    }

    /** Rounds committed so far. */
    int rounds() {
        return rounds.get();
    }

    /** Waits until at least {@code n} more rounds committed. */
    void awaitRounds(int n) throws InterruptedException {
        int target = rounds.get() + n;
        while (rounds.get() < target && failure.get() == null && thread.isAlive()) {
            Thread.sleep(10);
        }
        rethrow();
    }

    /** Stops after the current round and rethrows a failure of the writer. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(60_000);
        rethrow();
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError("writer " + label + " failed", t);
        }
    }

    private void run() {
        try {
            for (int i = 0; running.get(); i++) {
                int round = i;
                strata.inTenant(tenant, scope -> {
                    round(scope.connection(), round);
                    return null;
                });
                rounds.incrementAndGet();
            }
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private void round(Connection c, int i) throws SQLException {
        // a customer with a TOASTed (incompressible, > 2 kB) profile and an order with lines
        UUID customer = returning(c, "INSERT INTO customers (tenant_id, name, email, profile) VALUES (?, ?, ?, "
                + "jsonb_build_object('blob', (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200)), 'round', ?::int))"
                + " RETURNING id", tenant, label + " c" + i, label + ".c" + i + "@example.test", i);
        UUID order = returning(c, "INSERT INTO orders (tenant_id, customer_id, currency, attributes) VALUES (?, ?, 'EUR', "
                + "jsonb_build_object('note', repeat(md5(?::text), 100))) RETURNING id", tenant, customer, label + i);
        execute(c, "INSERT INTO order_lines (tenant_id, order_id, sku, quantity, unit_price) VALUES (?, ?, ?, 1, 2.50), (?, ?, ?, 2, 1.25)",
                tenant, order, "sku-" + i, tenant, order, "sku-" + i + "b");
        OffsetDateTime at = OffsetDateTime.of(2025 + (i % 3) * 3, 1 + i % 12, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        UUID event = returning(c, "INSERT INTO events (tenant_id, occurred_at, kind, order_id, payload) VALUES (?, ?, ?, ?, "
                + "jsonb_build_object('blob', (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 150)))) RETURNING id",
                tenant, at, "placed", order);
        // an update leaving the TOASTed profile unchanged
        execute(c, "UPDATE customers SET name = name || ' (seen)', tier = 'gold' WHERE tenant_id = ? AND id = ?", tenant, customer);
        // the event moves to another partition: its key changes, its TOASTed payload does not
        execute(c, "UPDATE events SET occurred_at = occurred_at + interval '3 years', kind = 'moved' WHERE tenant_id = ? AND id = ?",
                tenant, event);
        if (i % 2 == 0) {
            // a customer without orders changes its id (key change with an unchanged TOASTed value)
            UUID loner = returning(c, "INSERT INTO customers (tenant_id, name, email, profile) VALUES (?, ?, ?, "
                    + "jsonb_build_object('blob', (SELECT string_agg(md5(random()::text), '') FROM generate_series(1, 200))))"
                    + " RETURNING id", tenant, label + " loner" + i, label + ".loner" + i + "@example.test");
            execute(c, "UPDATE customers SET id = gen_random_uuid(), name = name || ' renamed' WHERE tenant_id = ? AND id = ?", tenant, loner);
        }
        if (i % 3 == 0) {
            // the TOASTed value itself rewritten
            execute(c, "UPDATE customers SET profile = jsonb_build_object('blob', (SELECT string_agg(md5(random()::text), '') "
                    + "FROM generate_series(1, 220))) WHERE tenant_id = ? AND id = ?", tenant, customer);
        }
        if (i % 4 == 3) {
            // deletes, and the freed unique email used again by a new row in the same transaction
            execute(c, "DELETE FROM order_lines WHERE tenant_id = ? AND order_id = ? AND sku = ?", tenant, order, "sku-" + i + "b");
            String email = label + ".reused" + i + "@example.test";
            UUID first = returning(c, "INSERT INTO customers (tenant_id, name, email) VALUES (?, 'first', ?) RETURNING id", tenant, email);
            execute(c, "DELETE FROM customers WHERE tenant_id = ? AND id = ?", tenant, first);
            returning(c, "INSERT INTO customers (tenant_id, name, email) VALUES (?, 'second', ?) RETURNING id", tenant, email);
        }
    }

    private static UUID returning(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
    }
}
