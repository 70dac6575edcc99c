package dev.strata.audit;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The audit on an application schema of its own (the shop: four tenant tables with composite
 * foreign keys, an identity column, jsonb, a partitioned table, views and reference data), with
 * tenants in every mode: it passes as Strata left it, and names the rule and the object when a
 * tenant table (or a partition, a view, the reference data) is weakened behind Strata's back.
 * The first test runs before any damage; each damage afterwards is to an object of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditShopSchemaTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    /** A T1 per mode, each with T2s in every mode. */
    private final Map<IsolationMode, Tenant> t1s = new EnumMap<>(IsolationMode.class);

    @BeforeAll
    void tenants() throws SQLException {
        Strata strata = FIXTURE.strata();
        for (IsolationMode mode : IsolationMode.values()) {
            Tenant t1 = strata.tenants().create(NewTenant.t1("shop-" + mode.wireName()).withMode(mode));
            t1s.put(mode, t1);
            Shop.seed(strata, t1.id(), t1.slug());
            for (IsolationMode childMode : IsolationMode.values()) {
                Tenant t2 = strata.tenants().create(NewTenant.t2(t1.slug() + "-" + childMode.wireName(), t1.slug()).withMode(childMode));
                Shop.seed(strata, t2.id(), t2.slug());
            }
        }
    }

    @Test
    @Order(1)
    void the_audit_passes_on_the_shop_schema_with_tenants_in_every_mode() {
        AuditReport report = FIXTURE.strata().audit();
        assertThat(report.findings()).filteredOn(f -> f.severity() == AuditSeverity.VIOLATION).isEmpty();
        assertThat(report.passed()).isTrue();
        assertThat(report.databases()).as("the T1s' databases were audited")
                .contains(t1s.values().stream().map(t -> t.placement().database()).toArray(String[]::new));
    }

    /** Damage done behind Strata's back to one object of a tenant schema, and the rule that must name it. */
    record Damage(String description, String object, String check, String sql) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Damage> damages() {
        return Stream.of(
                new Damage("row level security disabled on one partition", "events_2026", "rls_enabled_and_forced",
                        "ALTER TABLE %s.events_2026 DISABLE ROW LEVEL SECURITY"),
                new Damage("row level security no longer forced on a table", "orders", "rls_enabled_and_forced",
                        "ALTER TABLE %s.orders NO FORCE ROW LEVEL SECURITY"),
                new Damage("the delete policies of a table dropped", "order_lines", "rls_policies", """
                        DO $$ DECLARE p record; BEGIN
                          FOR p IN SELECT polname FROM pg_policy WHERE polrelid = '%1$s.order_lines'::regclass AND polcmd IN ('d', '*') LOOP
                            EXECUTE format('DROP POLICY %%I ON %1$s.order_lines', p.polname);
                          END LOOP; END $$"""),
                new Damage("every policy of one partition dropped", "events_2025", "rls_policies", """
                        DO $$ DECLARE p record; BEGIN
                          FOR p IN SELECT polname FROM pg_policy WHERE polrelid = '%1$s.events_2025'::regclass LOOP
                            EXECUTE format('DROP POLICY %%I ON %1$s.events_2025', p.polname);
                          END LOOP; END $$"""),
                new Damage("an unscoped permissive policy added", "customers", "rls_policies",
                        "CREATE POLICY everyone_reads ON %s.customers FOR SELECT USING (true)"),
                new Damage("a view made to run as its owner", "order_totals", "views_security_invoker",
                        "ALTER VIEW %s.order_totals SET (security_invoker = false)"),
                new Damage("the reference data made writable by the app role", "currencies", "app_role_table_privileges",
                        "GRANT INSERT, UPDATE ON %s.currencies TO \"${app_role}\""),
                new Damage("TRUNCATE granted on the partitioned table", "events", "app_role_table_privileges",
                        "GRANT TRUNCATE ON %s.events TO \"${app_role}\""));
    }

    Stream<Arguments> damagesInEveryMode() {
        return Stream.of(IsolationMode.values()).flatMap(mode -> damages().map(d -> Arguments.of(mode, d)));
    }

    @ParameterizedTest(name = "{1} in the schema of the {0} T1")
    @MethodSource("damagesInEveryMode")
    @Order(2)
    void the_audit_fails_naming_the_rule_and_the_object_when_a_tenant_table_is_weakened(IsolationMode mode, Damage damage)
            throws SQLException {
        Tenant t1 = t1s.get(mode);
        String database = t1.placement().database();
        String schema = t1.placement().schema();
        String appRole = FIXTURE.strata().internals().names().appRole(database);
        try (Connection c = TestStrata.admin(database); Statement s = c.createStatement()) {
            s.execute(damage.sql().formatted("\"" + schema + "\"").replace("${app_role}", appRole));
        }

        AuditReport report = FIXTURE.strata().audit();

        assertThat(report.passed()).isFalse();
        assertThat(report.findings())
                .filteredOn(f -> f.severity() == AuditSeverity.VIOLATION)
                .extracting(AuditFinding::check, AuditFinding::database, AuditFinding::object)
                .contains(tuple(damage.check(), database, schema + "." + damage.object()));
    }
}
