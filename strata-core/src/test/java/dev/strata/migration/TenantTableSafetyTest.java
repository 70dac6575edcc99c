package dev.strata.migration;

import dev.strata.Tenant;
import dev.strata.migration.MigrationTargetKind;
import dev.strata.internal.migration.TenantTableSafety;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tables a migration adds are made safe by Strata, with no policy or grant in the migration: in
 * every mode and tier, tenants read and write only their own rows (a T1 also reads its T2s'),
 * reference data is read-only, partitions and sequences are covered, and a migration's DISABLE
 * ROW LEVEL SECURITY does not survive.
 */
class TenantTableSafetyTest {
    @TempDir
    static Path dir;

    private static MigrationWorld world;

    @BeforeAll
    static void migrate() throws Exception {
        world = MigrationWorld.create(dir);
        world.files.add("V2__notes.sql", """
                CREATE TABLE notes (
                    tenant_id uuid NOT NULL REFERENCES platform.tenants (id),
                    id        bigint GENERATED ALWAYS AS IDENTITY,
                    serial_no serial,
                    document_id uuid,
                    body      text NOT NULL,
                    PRIMARY KEY (tenant_id, id),
                    FOREIGN KEY (tenant_id, document_id) REFERENCES documents (tenant_id, id)
                );
                CREATE TABLE events (
                    tenant_id uuid NOT NULL REFERENCES platform.tenants (id),
                    at        date NOT NULL,
                    what      text NOT NULL,
                    PRIMARY KEY (tenant_id, at, what)
                ) PARTITION BY RANGE (at);
                CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
                CREATE TABLE events_rest PARTITION OF events DEFAULT;
                CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
                COMMENT ON TABLE countries IS 'strata:reference-data: ISO 3166 countries';
                INSERT INTO countries VALUES ('FR', 'France'), ('JP', 'Japan');
                CREATE VIEW note_bodies WITH (security_invoker = true) AS SELECT tenant_id, id, body FROM notes;
                CREATE POLICY no_empty_notes ON notes AS RESTRICTIVE FOR INSERT WITH CHECK (body <> '');
                ALTER TABLE documents DISABLE ROW LEVEL SECURITY;
                ALTER TABLE documents NO FORCE ROW LEVEL SECURITY;
                COMMENT ON TABLE documents IS 'in ${flyway:defaultSchema}';
                """);
        world.start();
    }

    @AfterAll
    static void drop() {
        world.close();
    }

    private static long insertNote(Tenant tenant, String body) throws SQLException {
        return world.strata.inTenant(tenant.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO notes (tenant_id, body) VALUES (?, ?) RETURNING serial_no")) {
                ps.setObject(1, scope.tenantId());
                ps.setString(2, body);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static List<String> read(Tenant tenant, String sql) throws SQLException {
        return world.strata.inTenant(tenant.id(), scope -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Test
    void every_app_schema_is_at_the_new_version() throws Exception {
        assertThat(world.versions()).isNotEmpty().allSatisfy((schema, version) -> assertThat(version).as(schema).isEqualTo("2"));
        assertThat(world.versions().keySet()).contains(world.namespace + "_template/app",
                world.tenant("schema-t1").placement().database() + "/" + world.tenant("schema-t1").placement().schema(),
                world.tenant("db-t1").placement().database() + "/app");
    }

    @Test
    void a_new_tenant_table_is_isolated_in_every_mode_and_tier_without_a_policy_in_the_migration() throws Exception {
        for (Tenant tenant : world.tenants.values()) {
            insertNote(tenant, "note of " + tenant.slug());
        }
        for (Tenant tenant : world.tenants.values()) {
            List<String> visible = read(tenant, "SELECT body FROM notes WHERE body LIKE 'note of %'");
            List<String> expected = new ArrayList<>(List.of("note of " + tenant.slug()));
            if (tenant.tier() == dev.strata.Tier.T1) {
                for (Tenant child : world.tenants.values()) {
                    if (tenant.id().equals(child.parentId()) && child.placement().database().equals(tenant.placement().database())
                            && child.placement().schema().equals(tenant.placement().schema())) {
                        expected.add("note of " + child.slug());
                    }
                }
            }
            assertThat(visible).as(tenant.slug()).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void writes_carrying_another_tenants_id_are_refused_by_the_standard_policies() throws Exception {
        Tenant rls = world.tenant("rls-t2");
        UUID sibling = world.tenant("rls-t1").id();
        assertThatThrownBy(() -> world.strata.inTenant(rls.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("INSERT INTO notes (tenant_id, body) VALUES (?, 'x')")) {
                ps.setObject(1, sibling);
                return ps.executeUpdate();
            }
        })).isInstanceOf(SQLException.class).hasMessageContaining("row-level security");
    }

    @Test
    void the_restrictive_policy_of_the_migration_still_narrows() {
        assertThatThrownBy(() -> insertNote(world.tenant("db-t1"), "")).isInstanceOf(SQLException.class)
                .hasMessageContaining("row-level security");
    }

    @Test
    void partitions_and_views_are_isolated_too() throws Exception {
        for (Tenant tenant : List.of(world.tenant("rls-t1"), world.tenant("rls-t2"))) {
            world.strata.inTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO events (tenant_id, at, what) VALUES (?, '2026-05-01', ?), (?, '2030-01-01', ?)")) {
                    ps.setObject(1, scope.tenantId());
                    ps.setString(2, "event of " + tenant.slug());
                    ps.setObject(3, scope.tenantId());
                    ps.setString(4, "later event of " + tenant.slug());
                    return ps.executeUpdate();
                }
            });
        }
        Tenant t2 = world.tenant("rls-t2");
        assertThat(read(t2, "SELECT what FROM events")).containsExactlyInAnyOrder("event of rls-t2", "later event of rls-t2");
        assertThat(read(t2, "SELECT what FROM events_2026")).containsExactly("event of rls-t2");
        assertThat(read(t2, "SELECT what FROM events_rest")).containsExactly("later event of rls-t2");
        insertNote(t2, "viewed");
        assertThat(read(t2, "SELECT body FROM note_bodies")).contains("viewed").allSatisfy(body -> assertThat(body).isIn("viewed", "note of rls-t2"));
    }

    @Test
    void every_tenant_table_and_partition_has_rls_forced_and_the_standard_policies_in_every_app_schema() throws Exception {
        for (Map.Entry<String, String> target : world.versions().entrySet()) {
            String database = target.getKey().substring(0, target.getKey().indexOf('/'));
            String schema = target.getKey().substring(target.getKey().indexOf('/') + 1);
            world.inDatabase(database, c -> {
                for (String table : List.of("documents", "notes", "events", "events_2026", "events_rest")) {
                    try (PreparedStatement ps = c.prepareStatement("""
                            SELECT c.relrowsecurity, c.relforcerowsecurity,
                                   ARRAY(SELECT polname::text FROM pg_policy WHERE polrelid = c.oid AND polpermissive ORDER BY 1)
                              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?""")) {
                        ps.setString(1, schema);
                        ps.setString(2, table);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).as(target.getKey() + " " + table).isTrue();
                            assertThat(rs.getBoolean(1)).as("RLS enabled on " + target.getKey() + "." + table).isTrue();
                            assertThat(rs.getBoolean(2)).as("RLS forced on " + target.getKey() + "." + table).isTrue();
                            assertThat((String[]) rs.getArray(3).getArray()).as(target.getKey() + "." + table)
                                    .containsExactlyInAnyOrderElementsOf(TenantTableSafety.POLICIES);
                        }
                    }
                }
                return null;
            });
        }
    }

    @Test
    void making_a_safe_schema_safe_again_writes_no_catalog_row_outside_it() throws Exception {
        // a GRANT rewrites its catalog row even when it changes nothing: on platform's row, shared by
        // every schema of the database, concurrent fan-out workers failed ("tuple concurrently
        // updated") and every tenant target looked written outside its schema to the comparison
        Tenant tenant = world.tenant("schema-t1");
        String database = tenant.placement().database();
        String schema = tenant.placement().schema();
        TenantTableSafety safety = new TenantTableSafety(new dev.strata.internal.sql.PhysicalNames(world.namespace));
        world.inDatabase(database, c -> {
            c.setAutoCommit(false);
            try {
                List<String> grantees = safety.grantees(c, schema);
                assertThat(grantees).isNotEmpty();
                safety.secure(c, new dev.strata.internal.migration.AppSchema(tenant.placement().dataPlane(), database, schema,
                        MigrationTargetKind.SCHEMA, tenant.id()), grantees);
                // (the temporary table the safety work probes the standard policies on is its own)
                try (PreparedStatement ps = c.prepareStatement("""
                        WITH n AS (SELECT oid, nspname, xmin FROM pg_namespace WHERE nspname !~ '^pg_(toast_)?temp_')
                        SELECT n.nspname FROM n WHERE age(n.xmin) <= 0
                        UNION ALL
                        SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN n ON n.oid = c.relnamespace
                         WHERE age(c.xmin) <= 0
                        UNION ALL
                        SELECT 'policy ' || p.polname FROM pg_policy p WHERE age(p.xmin) <= 0""");
                     ResultSet rs = ps.executeQuery()) {
                    List<String> written = new ArrayList<>();
                    while (rs.next()) {
                        written.add(rs.getString(1));
                    }
                    assertThat(written).as("catalog rows written by making " + schema + " safe again").isEmpty();
                }
            } finally {
                c.rollback();
            }
            return null;
        });
    }

    @Test
    void the_app_role_gets_exactly_the_standard_privileges() throws Exception {
        Tenant tenant = world.tenant("db-t1");
        String database = tenant.placement().database();
        String appRole = world.namespace + "_app_" + database.substring(world.namespace.length() + 1);
        world.inDatabase(database, c -> {
            assertThat(privileges(c, appRole, "app.notes")).containsExactly("SELECT", "INSERT", "UPDATE", "DELETE");
            assertThat(privileges(c, appRole, "app.events_2026")).containsExactly("SELECT", "INSERT", "UPDATE", "DELETE");
            assertThat(privileges(c, appRole, "app.countries")).containsExactly("SELECT");
            assertThat(privileges(c, appRole, "app.strata_schema_history")).isEmpty();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT has_sequence_privilege(?, 'app.notes_serial_no_seq', 'USAGE')")) {
                ps.setString(1, appRole);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).isTrue();
                }
            }
            return null;
        });
        assertThat(insertNote(tenant, "numbered")).isPositive();
    }

    private static List<String> privileges(Connection c, String role, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        for (String privilege : List.of("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?, ?, ?)")) {
                ps.setString(1, role);
                ps.setString(2, table);
                ps.setString(3, privilege);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        out.add(privilege);
                    }
                }
            }
        }
        return out;
    }

    @Test
    void reference_data_is_readable_by_every_tenant_and_writable_by_none() throws Exception {
        for (Tenant tenant : world.tenants.values()) {
            assertThat(read(tenant, "SELECT code FROM countries ORDER BY code")).as(tenant.slug()).containsExactly("FR", "JP");
            assertThatThrownBy(() -> world.strata.inTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement("UPDATE countries SET name = 'x'")) {
                    return ps.executeUpdate();
                }
            })).as(tenant.slug()).isInstanceOf(SQLException.class).hasMessageContaining("permission denied");
        }
    }

    @Test
    void histories_are_in_flyways_format_so_flyway_itself_validates_them() throws Exception {
        for (Tenant tenant : List.of(world.tenant("schema-t1"), world.tenant("db-t1"), world.tenant("rls-t1"))) {
            dev.strata.PostgresServer server = dev.strata.testing.SharedPostgres.server();
            org.flywaydb.core.Flyway flyway = org.flywaydb.core.Flyway.configure()
                    .dataSource(server.jdbcUrl(tenant.placement().database()), server.user(), server.password())
                    .schemas(tenant.placement().schema()).table("strata_schema_history")
                    .locations(world.files.location()).placeholderReplacement(false).load();
            org.flywaydb.core.api.output.ValidateResult result = flyway.validateWithResult();
            assertThat(result.validationSuccessful).as(tenant.slug() + ": " + result.getAllErrorMessages()).isTrue();
            org.flywaydb.core.api.MigrationInfo[] applied = flyway.info().applied();
            assertThat(applied).extracting(m -> m.getVersion().getVersion()).containsExactly("1", "2");
            assertThat(applied).extracting(m -> m.getScript()).containsExactly("V1__documents.sql", "V2__notes.sql");
            assertThat(flyway.info().pending()).isEmpty();
        }
    }

    @Test
    void placeholders_take_each_schemas_values() throws Exception {
        Tenant tenant = world.tenant("schema-t1");
        try (Connection c = TestStrata.admin(tenant.placement().database());
             PreparedStatement ps = c.prepareStatement("SELECT obj_description(?::regclass, 'pg_class')")) {
            ps.setString(1, tenant.placement().schema() + ".documents");
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("in " + tenant.placement().schema());
            }
        }
    }

    @Test
    void a_tenant_created_after_the_migration_starts_at_the_newest_version_and_is_safe() throws Exception {
        for (dev.strata.NewTenant request : List.of(
                dev.strata.NewTenant.t1("late-schema").withMode(dev.strata.IsolationMode.SCHEMA),
                dev.strata.NewTenant.t1("late-db").withMode(dev.strata.IsolationMode.DATABASE),
                dev.strata.NewTenant.t1("late-rls").withMode(dev.strata.IsolationMode.RLS))) {
            Tenant late = world.strata.tenants().create(request);
            insertNote(late, "late note");
            assertThat(read(late, "SELECT body FROM notes")).containsExactly("late note");
            assertThat(world.versions()).containsEntry(late.placement().database() + "/" + late.placement().schema(), "2");
        }
    }
}
