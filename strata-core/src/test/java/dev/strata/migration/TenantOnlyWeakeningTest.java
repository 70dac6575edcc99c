package dev.strata.migration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fan-out checks a tenant target by comparing it with its template, which passed every
 * refusal check: a migration that does something else on the tenants than on the template (here:
 * only where the database is not the template) must still be refused on each tenant target, with
 * the refusal's message, and leave it exactly as it was; a target that differs harmlessly (drift an
 * operator added) is still migrated.
 */
class TenantOnlyWeakeningTest {
    @TempDir
    static Path dir;

    private static MigrationWorld world;
    private static String template;

    @BeforeAll
    static void createWorld() throws Exception {
        world = MigrationWorld.create(dir);
        world.stop();
        template = world.namespace + "_template";
    }

    @AfterAll
    static void dropWorld() {
        world.close();
    }

    @AfterEach
    void undo() throws Exception {
        world.stop();
        world.files.remove("V2__diverge.sql");
        // back to version 1 wherever version 2 got applied (the template included)
        for (String db : world.databases()) {
            world.inDatabase(db, c -> {
                for (Map.Entry<String, String> e : dev.strata.internal.migration.SchemaMigrator.appliedVersions(c).entrySet()) {
                    try (Statement s = c.createStatement()) {
                        String schema = "\"" + e.getKey() + "\"";
                        s.execute("DELETE FROM " + schema + ".strata_schema_history WHERE version = '2'");
                        s.execute("ALTER TABLE " + schema + ".documents DROP COLUMN IF EXISTS extra");
                        s.execute("DROP INDEX IF EXISTS " + schema + ".documents_operator_idx");
                    }
                }
                return null;
            });
        }
    }

    /** Adds V2 (its body runs only outside the template), starts, and returns the tenant targets' errors. */
    private static Map<String, String> applyOnTenantsOnly(String statement) throws Exception {
        world.files.add("V2__diverge.sql", "DO $do$ BEGIN IF current_database() <> '" + template + "' THEN "
                + "EXECUTE $x$" + statement + "$x$; END IF; END $do$;\n");
        world.start();
        Map<String, String> errors = new TreeMap<>();
        for (MigrationTarget t : world.strata.migrations().status()) {
            if (t.kind() != MigrationTargetKind.TEMPLATE) {
                errors.put(t.target(), t.error() == null ? "version " + t.version() : t.error());
            }
        }
        return errors;
    }

    private static Map<String, String> tenantCatalog() throws SQLException {
        Map<String, String> catalog = new TreeMap<>(world.catalog());
        catalog.remove(template);
        return catalog;
    }

    private static void assertRefusedOnEveryTenantTarget(String statement, String fragment) throws Exception {
        Map<String, String> before = tenantCatalog();
        Map<String, String> errors = applyOnTenantsOnly(statement);
        assertThat(errors).isNotEmpty();
        assertThat(errors.values()).allSatisfy(error -> assertThat(error).contains("V2__diverge.sql", "refused",
                "weaken tenant isolation", fragment));
        assertThat(world.lastRunReport()).as("each was compared with the template, differed and got every check")
                .containsEntry("differed", errors.size()).containsEntry("matched_template", 0);
        world.stop();
        assertThat(tenantCatalog()).as("every tenant database and schema is as it was").isEqualTo(before);
    }

    @Test
    void a_security_definer_function_created_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        assertRefusedOnEveryTenantTarget("CREATE FUNCTION leak() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'",
                "SECURITY DEFINER");
    }

    @Test
    void a_grant_to_public_made_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        assertRefusedOnEveryTenantTarget("GRANT SELECT ON documents TO PUBLIC", "PUBLIC");
    }

    @Test
    void a_permissive_policy_added_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        assertRefusedOnEveryTenantTarget("CREATE POLICY everyone ON documents FOR SELECT USING (true)", "permissive policy");
    }

    @Test
    void a_table_created_outside_the_schema_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        assertRefusedOnEveryTenantTarget("CREATE TABLE public.everything (tenant_id uuid, secret text)", "outside schema");
    }

    @Test
    void a_platform_function_replaced_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        assertRefusedOnEveryTenantTarget("CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid "
                + "LANGUAGE sql STABLE AS 'SELECT id FROM platform.tenants LIMIT 1'", "platform.current_tenant_id()");
    }

    @Test
    void an_object_outside_the_schema_dropped_only_on_the_tenants_is_refused_on_each_of_them() throws Exception {
        for (String db : world.databases()) {
            if (!db.equals(template)) {
                world.inDatabase(db, c -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("CREATE TABLE IF NOT EXISTS public.operators_own (id int)");
                    }
                    return null;
                });
            }
        }
        assertRefusedOnEveryTenantTarget("DROP TABLE IF EXISTS public.operators_own", "outside schema");
    }

    @Test
    void a_tenant_schema_that_drifted_harmlessly_is_still_migrated() throws Exception {
        for (String db : world.databases()) {
            if (!db.equals(template)) {
                world.inDatabase(db, c -> {
                    for (String schema : dev.strata.internal.migration.SchemaMigrator.appliedVersions(c).keySet()) {
                        try (Statement s = c.createStatement()) {
                            s.execute("CREATE INDEX documents_operator_idx ON \"" + schema + "\".documents (tenant_id)");
                        }
                    }
                    return null;
                });
            }
        }
        Map<String, String> errors = applyOnTenantsOnly("ALTER TABLE documents ADD COLUMN extra text");
        assertThat(errors.values()).isNotEmpty().allSatisfy(e -> assertThat(e).isEqualTo("version 2"));
        assertThat(world.lastRunReport()).as("every drifted target differed from the template")
                .containsEntry("differed", errors.size()).containsEntry("failed", 0);
        assertThat(world.versions().values()).containsOnly("2");
    }

    @Test
    void a_migration_that_does_the_same_everywhere_migrates_every_target() throws Exception {
        world.files.add("V2__diverge.sql", "ALTER TABLE documents ADD COLUMN extra text;\n");
        world.start();
        List<MigrationTarget> status = world.strata.migrations().status();
        assertThat(status).isNotEmpty().allSatisfy(t -> {
            assertThat(t.error()).as(t.target()).isNull();
            assertThat(t.version()).as(t.target()).isEqualTo("2");
        });
    }
}
