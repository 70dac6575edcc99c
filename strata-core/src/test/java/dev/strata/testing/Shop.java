package dev.strata.testing;

import dev.strata.Strata;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes rows of the shop schema ({@link AppSchemas#SHOP}) as a tenant, through Strata: customers,
 * their orders, order lines (identity ids) and events in every partition of {@code events}.
 */
public final class Shop {
    /** Rows {@link #seed} writes per tenant, by table (a partitioned table counts its partitions' rows). */
    public static final Map<String, Integer> ROWS_PER_TENANT = Map.of(
            "customers", 2, "orders", 2, "order_lines", 3, "events", 3);
    /** One event per partition: 2025, 2026 and the default partition. */
    public static final List<OffsetDateTime> EVENT_TIMES = List.of(
            OffsetDateTime.of(2025, 6, 1, 12, 0, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(2026, 3, 1, 8, 30, 0, 0, ZoneOffset.UTC),
            OffsetDateTime.of(2031, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));

    /** The keys of what one seed wrote. */
    public record Seeded(List<UUID> customers, List<UUID> orders, List<Long> lines) {
    }

    private Shop() {
    }

    /** Writes {@link #ROWS_PER_TENANT} rows for the tenant, labelled with {@code label}. */
    public static Seeded seed(Strata strata, UUID tenant, String label) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            Connection c = scope.connection();
            List<UUID> customers = new ArrayList<>();
            List<UUID> orders = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                UUID customer = customer(c, tenant, label + " customer " + i, label + "." + i + "@example.test",
                        "{\"label\": \"" + label + "\", \"vip\": " + (i == 0) + ", \"tags\": [\"a\", " + i + "]}");
                customers.add(customer);
                orders.add(order(c, tenant, customer, i == 0 ? "EUR" : "JPY", "{\"note\": \"" + label + " order " + i + "\"}"));
            }
            lines.add(line(c, tenant, orders.get(0), label + "-sku-1", 2, "9.99"));
            lines.add(line(c, tenant, orders.get(0), label + "-sku-2", 1, "100.00"));
            lines.add(line(c, tenant, orders.get(1), label + "-sku-3", 5, "0.50"));
            for (int i = 0; i < EVENT_TIMES.size(); i++) {
                event(c, tenant, EVENT_TIMES.get(i), label + " event " + i, i == 2 ? null : orders.get(i % 2),
                        "{\"seq\": " + i + ", \"nested\": {\"label\": \"" + label + "\"}}");
            }
            return new Seeded(customers, orders, lines);
        });
    }

    public static UUID customer(Connection c, UUID tenant, String name, String email, String profileJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO customers (tenant_id, name, email, profile) VALUES (?, ?, ?, ?::jsonb) RETURNING id")) {
            ps.setObject(1, tenant);
            ps.setString(2, name);
            ps.setString(3, email);
            ps.setString(4, profileJson);
            return returned(ps, UUID.class);
        }
    }

    public static UUID order(Connection c, UUID tenant, UUID customer, String currency, String attributesJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO orders (tenant_id, customer_id, currency, attributes) VALUES (?, ?, ?, ?::jsonb) RETURNING id")) {
            ps.setObject(1, tenant);
            ps.setObject(2, customer);
            ps.setString(3, currency);
            ps.setString(4, attributesJson);
            return returned(ps, UUID.class);
        }
    }

    public static long line(Connection c, UUID tenant, UUID order, String sku, int quantity, String unitPrice) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO order_lines (tenant_id, order_id, sku, quantity, unit_price) VALUES (?, ?, ?, ?, ?::numeric) RETURNING id")) {
            ps.setObject(1, tenant);
            ps.setObject(2, order);
            ps.setString(3, sku);
            ps.setInt(4, quantity);
            ps.setString(5, unitPrice);
            return returned(ps, Long.class);
        }
    }

    public static void event(Connection c, UUID tenant, OffsetDateTime at, String kind, UUID order, String payloadJson)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO events (tenant_id, occurred_at, kind, order_id, payload) VALUES (?, ?, ?, ?, ?::jsonb)")) {
            ps.setObject(1, tenant);
            ps.setObject(2, at);
            ps.setString(3, kind);
            ps.setObject(4, order);
            ps.setString(5, payloadJson);
            ps.executeUpdate();
        }
    }

    private static <T> T returned(PreparedStatement ps, Class<T> type) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, type);
        }
    }
}
