package dev.strata.isolation;

import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AdminConnections;
import dev.strata.testing.AppRelations;
import dev.strata.testing.AppRelations.Kind;
import dev.strata.testing.AppRelations.Relation;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The isolation suite ({@link IsolationSuite}) on the shop, an application schema of four tenant
 * tables written without a single policy, RLS statement or grant (test resources {@code db/shop}):
 * customers, orders and order_lines with composite foreign keys on tenant_id, an identity column,
 * jsonb, the partitioned events with three partitions, two security_invoker views and the
 * reference-data table currencies. Everything the generic suite proves holds here because Strata
 * made the tables safe; the tests below add what only this schema has.
 */
class ShopIsolationSuiteTest extends IsolationSuite {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppData.SHOP.migrations());

    private static final String FOREIGN_KEY_VIOLATION = "23503";

    @Override
    Strata strata() {
        return FIXTURE.strata();
    }

    @Override
    AppData data() {
        return AppData.SHOP;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_tenant_schema_has_every_relation_of_the_shop(Layout layout) {
        Topology t = topology(layout);
        Map<String, Kind> expected = new TreeMap<>(Map.of(
                "currencies", Kind.REFERENCE_DATA, "customers", Kind.TABLE, "orders", Kind.TABLE,
                "order_lines", Kind.TABLE, "events", Kind.PARTITIONED, "events_2025", Kind.PARTITION,
                "events_2026", Kind.PARTITION, "events_other", Kind.PARTITION, "order_totals", Kind.VIEW,
                "customer_directory", Kind.VIEW));
        for (Tenant tenant : t.all()) {
            Map<String, Kind> actual = new TreeMap<>();
            AppRelations.of(tenant).forEach(r -> actual.put(r.name(), r.kind()));
            assertThat(actual).as("relations of %s's schema %s", tenant.slug(), tenant.placement().schema())
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void partitions_queried_directly_show_each_tenant_its_own_row_only(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant tenant : t.all()) {
            for (Relation partition : AppRelations.of(tenant)) {
                if (partition.kind() != Kind.PARTITION) {
                    continue;
                }
                List<UUID> visible = strata().inTenant(tenant.id(),
                        scope -> AppRelations.visibleTenantIds(scope.connection(), partition));
                List<UUID> expected = new ArrayList<>();
                expected.add(tenant.id());
                if (tenant.tier() == dev.strata.Tier.T1) {
                    for (Tenant child : t.childrenOf(tenant)) {
                        if (Topology.sameDatabase(tenant, child) && child.placement().schema().equals(tenant.placement().schema())) {
                            expected.add(child.id());
                        }
                    }
                }
                softly.assertThat(visible).as("%s reads %s directly", tenant.slug(), partition)
                        .containsExactlyInAnyOrderElementsOf(expected);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void composite_foreign_keys_cannot_reference_another_tenants_parent_rows(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant attacker : t.all()) {
            UUID ownCustomer = adminId(attacker, "customers");
            UUID ownOrder = adminId(attacker, "orders");
            for (Tenant victim : t.all()) {
                if (victim.id().equals(attacker.id())) {
                    continue;
                }
                UUID theirCustomer = adminId(victim, "customers");
                UUID theirOrder = adminId(victim, "orders");
                String pair = attacker.slug() + " → " + victim.slug();
                softly.assertThat(refusal(attacker, "INSERT INTO orders (tenant_id, customer_id) VALUES ('" + attacker.id()
                        + "', ?)", theirCustomer)).as("an order for another tenant's customer " + pair).isEqualTo(FOREIGN_KEY_VIOLATION);
                softly.assertThat(refusal(attacker, "INSERT INTO order_lines (tenant_id, order_id, sku, quantity, unit_price) VALUES ('"
                        + attacker.id() + "', ?, 'x', 1, 1)", theirOrder)).as("a line of another tenant's order " + pair)
                        .isEqualTo(FOREIGN_KEY_VIOLATION);
                softly.assertThat(refusal(attacker, "INSERT INTO events (tenant_id, occurred_at, kind, order_id) VALUES ('"
                        + attacker.id() + "', '2025-02-02', 'x', ?)", theirOrder)).as("an event of another tenant's order " + pair)
                        .isEqualTo(FOREIGN_KEY_VIOLATION);
                softly.assertThat(refusal(attacker, "UPDATE orders SET customer_id = ? WHERE tenant_id = '" + attacker.id()
                        + "' AND id = '" + ownOrder + "'", theirCustomer)).as("re-point an own order at another tenant's customer " + pair)
                        .isEqualTo(FOREIGN_KEY_VIOLATION);
                softly.assertThat(message(attacker, "INSERT INTO orders (tenant_id, customer_id) VALUES ('" + attacker.id() + "', ?)",
                        theirCustomer).replace(theirCustomer.toString(), "?"))
                        .as("the refusal for another tenant's customer tells nothing a made-up id would not " + pair)
                        .isEqualTo(message(attacker, "INSERT INTO orders (tenant_id, customer_id) VALUES ('" + attacker.id() + "', ?)",
                                UUID.nameUUIDFromBytes(theirCustomer.toString().getBytes())).replace(
                                UUID.nameUUIDFromBytes(theirCustomer.toString().getBytes()).toString(), "?"));
            }
            softly.assertThat(refusal(attacker, "INSERT INTO orders (tenant_id, customer_id) VALUES ('" + attacker.id() + "', ?)",
                    ownCustomer)).as("%s orders for its own customer", attacker.slug()).isEqualTo("succeeded");
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void identity_values_give_no_access_to_other_tenants_rows_nor_to_the_sequence(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant tenant : t.all()) {
            List<Long> everyId = new ArrayList<>();
            String sequence;
            try (Connection c = TestStrata.admin(tenant.placement().database());
                 PreparedStatement ps = c.prepareStatement("SELECT id FROM " + quote(tenant.placement().schema()) + ".order_lines");
                 PreparedStatement seq = c.prepareStatement("SELECT pg_get_serial_sequence(?, 'id')")) {
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        everyId.add(rs.getLong(1));
                    }
                }
                seq.setString(1, quote(tenant.placement().schema()) + ".order_lines");
                try (ResultSet rs = seq.executeQuery()) {
                    rs.next();
                    sequence = rs.getString(1);
                }
            }
            List<UUID> found = strata().inTenant(tenant.id(), scope -> {
                List<UUID> out = new ArrayList<>();
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "SELECT tenant_id FROM order_lines WHERE id = ANY (?)")) {
                    ps.setArray(1, scope.connection().createArrayOf("bigint", everyId.toArray()));
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getObject(1, UUID.class));
                        }
                    }
                }
                return out;
            });
            softly.assertThat(found).as("%s looks up every identity value of its schema", tenant.slug())
                    .hasSizeGreaterThanOrEqualTo(dev.strata.testing.Shop.ROWS_PER_TENANT.get("order_lines"))
                    .allSatisfy(id -> assertThat(Topology.mayRead(tenant, byId(t, id))).isTrue());
            for (String touch : List.of("SELECT last_value FROM " + sequence, "SELECT setval('" + sequence + "', 1)")) {
                softly.assertThat(refusal(tenant, touch, null)).as("%s: %s", tenant.slug(), touch).isEqualTo(INSUFFICIENT_PRIVILEGE);
            }
        }
        softly.assertAll();
    }

    private static Tenant byId(Topology t, UUID id) {
        return t.all().stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
    }

    /** One id of the tenant's rows in a table, read by the administrator. */
    private static UUID adminId(Tenant tenant, String table) throws SQLException {
        Connection c = AdminConnections.of(tenant.placement().database());
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM " + quote(tenant.placement().schema()) + "." + quote(table)
                     + " WHERE tenant_id = ? ORDER BY id LIMIT 1")) {
            ps.setObject(1, tenant.id());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }

    /** The server's message for a refused statement, or "succeeded". */
    private String message(Tenant tenant, String sql, UUID parameter) {
        try {
            strata().useTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                    ps.setObject(1, parameter);
                    ps.execute();
                } finally {
                    scope.connection().rollback();
                }
            });
            return "succeeded";
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }
}
