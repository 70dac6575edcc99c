package dev.strata.provisioning;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.sql.Identifiers;
import dev.strata.testing.Documents;
import dev.strata.testing.PlacementGuardProbes;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The placement guard is kept up to date: databases of an installation that lacks it, and tables
 * added to a tenant schema, get it at the next start; RLS-mode T2s of a schema-mode T1 become
 * writers of its schema when created and stop being so when decommissioned; the shared tables of a
 * database refuse the tenants of its tenant schemas while there are any; writes through a view are
 * held to it; and no tenant can use the sequences of another tenant's schema.
 */
class TenantSchemaGuardTest {
    private Strata strata;
    private Tenant alpha;
    private Tenant vault;
    private Tenant neighbour;

    @BeforeEach
    void start() {
        strata = TestStrata.start();
        alpha = strata.tenants().create(NewTenant.t1("alpha"));
        vault = strata.tenants().create(NewTenant.t2("vault", "alpha").withMode(IsolationMode.SCHEMA));
        neighbour = strata.tenants().create(NewTenant.t2("neighbour", "alpha").withMode(IsolationMode.SCHEMA));
    }

    @AfterEach
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void an_installation_without_the_placement_guard_gets_it_at_the_next_start() throws SQLException {
        String table = table(vault, "documents");
        admin(vault, "DROP POLICY strata_placement_guard ON " + table);
        assertThat(insertOwnRow(neighbour, table)).as("the hole the guard closes").isNull();
        assertThat(violations()).containsExactly("placement_guard " + table);

        restart();

        assertThat(insertOwnRow(neighbour, table)).isEqualTo("42501");
        int visible = strata.inTenant(neighbour.id(), scope -> count(scope.connection(), "SELECT count(*) FROM " + table));
        assertThat(visible).as("a row forged before the guard is out of its writer's reach").isZero();
        int deleted = strata.inTenant(neighbour.id(), scope -> update(scope.connection(), "DELETE FROM " + table));
        assertThat(deleted).isZero();
        assertThat(violations()).isEmpty();
    }

    @Test
    void a_table_added_to_a_tenant_schema_is_guarded_at_the_next_start() throws SQLException {
        String table = table(vault, "notes");
        admin(vault, PlacementGuardProbes.unguardedTenantTable(table, appRole(vault)));
        assertThat(insertOwnRow(neighbour, table)).as("an unguarded new table").isNull();
        assertThat(violations()).containsExactly("placement_guard " + table);

        restart();

        assertThat(insertOwnRow(neighbour, table)).isEqualTo("42501");
        assertThat(insertOwnRow(vault, table)).as("the owner still writes").isNull();
        assertThat(violations()).isEmpty();
    }

    @Test
    void rls_t2s_of_a_schema_mode_t1_write_in_its_schema_until_they_are_decommissioned() throws SQLException {
        Tenant gamma = strata.tenants().create(NewTenant.t1("gamma").withMode(IsolationMode.SCHEMA));
        Tenant resident = strata.tenants().create(NewTenant.t2("resident", "gamma"));
        String table = table(gamma, "documents");
        assertThat(resident.placement().schema()).isEqualTo(gamma.placement().schema());
        assertThat(guard(gamma, "documents")).contains(gamma.id().toString(), resident.id().toString());
        assertThat(sharedGuard(gamma)).as("the shared tables refuse both")
                .contains(gamma.id().toString(), resident.id().toString());

        Documents.insert(strata, resident.id(), "resident doc");
        Documents.insert(strata, gamma.id(), "gamma doc");
        assertThat(insertOwnRow(vault, table)).as("a tenant of another database").isIn("3F000", "42P01");

        strata.tenants().decommission(resident.slug(), false);

        assertThat(guard(gamma, "documents")).contains(gamma.id().toString()).doesNotContain(resident.id().toString());
        assertThat(sharedGuard(gamma)).contains(gamma.id().toString()).doesNotContain(resident.id().toString());
        assertThat(Documents.allStored(gamma.placement().database(), gamma.placement().schema()))
                .extracting(Documents.Doc::tenantId).containsOnly(gamma.id());
        assertThat(violations()).isEmpty();
    }

    @Test
    void the_shared_tables_refuse_the_tenant_schemas_of_their_database_until_the_last_one_is_gone() throws SQLException {
        assertThat(sharedGuard(vault)).contains(vault.id().toString(), neighbour.id().toString());
        assertThat(insertOwnRow(vault, "app.documents")).isEqualTo("42501");

        strata.tenants().decommission(vault.slug(), false);
        assertThat(sharedGuard(neighbour)).contains(neighbour.id().toString()).doesNotContain(vault.id().toString());
        strata.tenants().decommission(neighbour.slug(), false);

        assertThat(sharedGuard(alpha)).as("no tenant schema left, no guard").isNull();
        assertThat(insertOwnRow(alpha, "app.documents")).as("the T1 still writes its shared tables").isNull();
        assertThat(violations()).isEmpty();
    }

    @Test
    void writes_through_a_view_into_another_tenant_schema_are_refused() throws SQLException {
        String view = table(vault, "recent");
        admin(vault, "CREATE VIEW " + view + " WITH (security_invoker = true) AS SELECT tenant_id, title FROM "
                        + table(vault, "documents"),
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + view + " TO " + Identifiers.quote(appRole(vault)));

        assertThat(insertOwnRow(neighbour, view)).isEqualTo("42501");
        assertThat(insertOwnRow(vault, view)).as("the owner writes through it").isNull();
        assertThat(Documents.allStored(vault.placement().database(), vault.placement().schema()))
                .extracting(Documents.Doc::tenantId).containsOnly(vault.id());
    }

    @Test
    void a_tenant_cannot_use_the_sequences_of_another_tenant_schema() throws SQLException {
        String table = table(vault, "counters");
        String sequence = vault.placement().schema() + ".counters_n_seq";
        admin(vault, "CREATE TABLE " + table + " (tenant_id uuid NOT NULL REFERENCES platform.tenants (id),"
                        + " n bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (tenant_id, n))",
                "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_isolation ON " + table + " USING (tenant_id = (SELECT platform.current_tenant_id()))"
                        + " WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON " + table + " TO " + Identifiers.quote(appRole(vault)));
        restart();

        for (String sql : new String[] {"SELECT nextval('" + sequence + "')", "SELECT setval('" + sequence + "', 1000)",
                "SELECT last_value FROM " + sequence}) {
            assertThatThrownBy(() -> strata.inTenant(neighbour.id(), scope -> count(scope.connection(), sql)))
                    .as(sql).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
        }
        int first = strata.inTenant(vault.id(), scope -> count(scope.connection(),
                "WITH w AS (INSERT INTO " + table + " (tenant_id) VALUES ('" + vault.id() + "') RETURNING n) SELECT n FROM w"));
        assertThat(first).as("the owner's identity column needs no sequence privilege").isEqualTo(1);
    }

    // ---------------------------------------------------------------- helpers

    private void restart() {
        String namespace = strata.config().namespace();
        strata.close();
        strata = TestStrata.start(b -> b.namespace(namespace));
    }

    private static String table(Tenant tenant, String name) {
        return tenant.placement().schema() + "." + name;
    }

    private String appRole(Tenant tenant) {
        return strata.internals().names().appRole(tenant.placement().database());
    }

    private String insertOwnRow(Tenant tenant, String table) {
        return PlacementGuardProbes.insertOwnRow(strata, tenant, table);
    }

    private List<String> violations() {
        return PlacementGuardProbes.violations(strata);
    }

    /** The WITH CHECK of the placement guard on app.documents of the tenant's database. */
    private static String sharedGuard(Tenant tenant) throws SQLException {
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            return PlacementGuardProbes.withCheck(c, "app.documents");
        }
    }

    /** The placement guard's USING expression on a table of the tenant's schema. */
    private static String guard(Tenant tenant, String table) throws SQLException {
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            return PlacementGuardProbes.using(c, table(tenant, table));
        }
    }

    private static void admin(Tenant tenant, String... statements) throws SQLException {
        try (Connection c = TestStrata.admin(tenant.placement().database()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static int count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int update(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate(sql);
        }
    }
}
