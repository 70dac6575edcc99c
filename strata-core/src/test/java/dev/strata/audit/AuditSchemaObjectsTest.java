package dev.strata.audit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.UUID;

import static dev.strata.audit.AuditFixture.violations;
import static dev.strata.audit.AuditFixture.warnings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Each test breaks one rule about tables, policies, keys, views and functions inside a tenant
 * database through an administrator connection (on objects of its own, or repaired afterwards),
 * and checks that the audit names exactly that breach.
 */
class AuditSchemaObjectsTest {
    private static AuditFixture f;

    @BeforeAll
    static void start() {
        f = AuditFixture.start();
        assertThat(f.audit().findings()).isEmpty();
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.stop();
        }
    }

    @Test
    void tenant_table_without_forced_row_level_security_is_a_violation() {
        String table = f.gammaSchema + ".documents";
        f.sql(f.schemaDb, "ALTER TABLE " + table + " NO FORCE ROW LEVEL SECURITY");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("rls_enabled_and_forced", f.schemaDb, table));
            assertThat(report.findings().get(0).message()).contains("not forced", "FORCE ROW LEVEL SECURITY");
        } finally {
            f.sql(f.schemaDb, "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY");
        }
    }

    @Test
    void tenant_table_with_row_level_security_disabled_is_a_violation() {
        f.createTenantTable(f.sharedRlsDb, "app.notes", "id uuid NOT NULL, PRIMARY KEY (tenant_id, id)");
        f.sql(f.sharedRlsDb, "ALTER TABLE app.notes DISABLE ROW LEVEL SECURITY");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("rls_enabled_and_forced", f.sharedRlsDb, "app.notes"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP TABLE app.notes");
        }
    }

    @Test
    void a_partition_of_a_tenant_table_without_row_level_security_is_a_violation() {
        f.sql(f.sharedRlsDb,
                "CREATE TABLE app.events (tenant_id uuid NOT NULL REFERENCES platform.tenants (id), at date NOT NULL, "
                        + "PRIMARY KEY (tenant_id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE app.events_rest PARTITION OF app.events DEFAULT");
        for (String table : new String[] {"app.events", "app.events_rest"}) {
            f.sql(f.sharedRlsDb, "ALTER TABLE " + table + " ENABLE ROW LEVEL SECURITY",
                    "ALTER TABLE " + table + " FORCE ROW LEVEL SECURITY",
                    "CREATE POLICY tenant_isolation ON " + table + " USING (tenant_id = (SELECT platform.current_tenant_id()))"
                            + " WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))");
        }
        f.sql(f.sharedRlsDb, "ALTER TABLE app.events_rest NO FORCE ROW LEVEL SECURITY");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("rls_enabled_and_forced", f.sharedRlsDb, "app.events_rest"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP TABLE app.events");
        }
    }

    @Test
    void local_tenant_registry_without_row_level_security_is_a_violation() {
        f.sql(f.alphaDb, "ALTER TABLE platform.tenants DISABLE ROW LEVEL SECURITY");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("rls_enabled_and_forced", f.alphaDb, "platform.tenants"));
        } finally {
            f.sql(f.alphaDb, "ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY");
        }
    }

    @Test
    void permissive_policy_using_true_is_a_violation() {
        f.sql(f.alphaDb, "CREATE POLICY everything ON app.documents FOR SELECT USING (true)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.documents"));
            assertThat(report.findings().get(0).message()).contains("everything", "USING (true)");
        } finally {
            f.sql(f.alphaDb, "DROP POLICY everything ON app.documents");
        }
    }

    @Test
    void permissive_policy_that_only_tests_that_a_context_exists_is_a_violation() {
        f.sql(f.sharedRlsDb, "CREATE POLICY any_tenant ON app.documents FOR UPDATE"
                + " USING (platform.current_tenant_id() IS NOT NULL) WITH CHECK (tenant_id = platform.current_tenant_id())");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("rls_policies", f.sharedRlsDb, "app.documents"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP POLICY any_tenant ON app.documents");
        }
    }

    @Test
    void policy_calling_a_lookalike_context_function_is_a_violation() {
        f.sql(f.alphaDb, "CREATE FUNCTION public.current_tenant_id() RETURNS uuid LANGUAGE sql STABLE"
                        + " AS 'SELECT tenant_id FROM app.documents LIMIT 1'",
                "CREATE POLICY lookalike ON app.documents FOR SELECT USING (tenant_id = public.current_tenant_id())");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("rls_policies", f.alphaDb, "app.documents"));
        } finally {
            f.sql(f.alphaDb, "DROP POLICY lookalike ON app.documents", "DROP FUNCTION public.current_tenant_id()");
        }
    }

    @Test
    void tenant_table_without_a_delete_policy_is_a_violation() {
        f.sql(f.alphaDb, "CREATE TABLE app.tasks (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE app.tasks ENABLE ROW LEVEL SECURITY", "ALTER TABLE app.tasks FORCE ROW LEVEL SECURITY",
                "CREATE POLICY tenant_read ON app.tasks FOR SELECT USING (tenant_id = (SELECT platform.current_tenant_id()))",
                "CREATE POLICY tenant_write ON app.tasks FOR INSERT WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))",
                "CREATE POLICY tenant_update ON app.tasks FOR UPDATE USING (tenant_id = (SELECT platform.current_tenant_id()))");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.tasks"));
            assertThat(report.findings().get(0).message()).contains("no policy for DELETE");
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.tasks");
        }
    }

    @Test
    void restrictive_policies_without_a_permissive_one_are_a_warning() {
        f.sql(f.alphaDb, "CREATE TABLE app.locked (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE app.locked ENABLE ROW LEVEL SECURITY", "ALTER TABLE app.locked FORCE ROW LEVEL SECURITY",
                "CREATE POLICY only_restrictive ON app.locked AS RESTRICTIVE"
                        + " USING (tenant_id = (SELECT platform.current_tenant_id()))");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.locked"));
            assertThat(report.passed()).isTrue();
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.locked");
        }
    }

    @Test
    void a_missing_command_and_a_restrictive_only_command_on_one_table_are_both_reported() {
        f.sql(f.alphaDb, "CREATE TABLE app.mixed (tenant_id uuid NOT NULL, id uuid NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE app.mixed ENABLE ROW LEVEL SECURITY", "ALTER TABLE app.mixed FORCE ROW LEVEL SECURITY",
                "CREATE POLICY read_restricted ON app.mixed AS RESTRICTIVE FOR SELECT"
                        + " USING (tenant_id = (SELECT platform.current_tenant_id()))",
                "CREATE POLICY tenant_insert ON app.mixed FOR INSERT WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()))",
                "CREATE POLICY tenant_update ON app.mixed FOR UPDATE USING (tenant_id = (SELECT platform.current_tenant_id()))");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.mixed"));
            assertThat(warnings(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.mixed"));
            assertThat(report.findings()).extracting(AuditFinding::message)
                    .anySatisfy(m -> assertThat(m).contains("no policy for DELETE"))
                    .anySatisfy(m -> assertThat(m).contains("only RESTRICTIVE policies for SELECT"));
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.mixed");
        }
    }

    @Test
    void policy_with_a_disjunction_is_a_warning_to_review() {
        f.sql(f.alphaDb, "CREATE POLICY with_or ON app.documents FOR SELECT"
                + " USING (tenant_id = platform.current_tenant_id() OR title = 'public')");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("rls_policies", f.alphaDb, "app.documents"));
        } finally {
            f.sql(f.alphaDb, "DROP POLICY with_or ON app.documents");
        }
    }

    @Test
    void unique_key_without_tenant_id_is_a_violation() {
        f.createTenantTable(f.alphaDb, "app.widgets", "id uuid NOT NULL, code text NOT NULL UNIQUE, PRIMARY KEY (tenant_id, id)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("keys_include_tenant_id", f.alphaDb, "app.widgets_code_key"));
            assertThat(report.findings().get(0).message()).contains("Unique constraint", "23505");
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.widgets");
        }
    }

    @Test
    void primary_key_without_tenant_id_and_a_unique_index_with_tenant_id_only_included_are_violations() {
        f.createTenantTable(f.sharedRlsDb, "app.gadgets", "id uuid PRIMARY KEY, serial_no text NOT NULL");
        f.sql(f.sharedRlsDb, "CREATE INDEX gadgets_tenant ON app.gadgets (tenant_id)",
                "CREATE UNIQUE INDEX gadgets_serial ON app.gadgets (serial_no) INCLUDE (tenant_id)");
        try {
            assertThat(violations(f.audit())).containsExactlyInAnyOrder(
                    tuple("keys_include_tenant_id", f.sharedRlsDb, "app.gadgets_pkey"),
                    tuple("keys_include_tenant_id", f.sharedRlsDb, "app.gadgets_serial"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP TABLE app.gadgets");
        }
    }

    @Test
    void foreign_key_that_does_not_match_tenant_id_is_a_violation() {
        f.createTenantTable(f.alphaDb, "app.parents", "id uuid NOT NULL, PRIMARY KEY (tenant_id, id)");
        f.createTenantTable(f.alphaDb, "app.children", "id uuid NOT NULL, parent_tenant uuid NOT NULL, parent_id uuid NOT NULL, "
                + "PRIMARY KEY (tenant_id, id), "
                + "CONSTRAINT children_parent FOREIGN KEY (parent_tenant, parent_id) REFERENCES app.parents (tenant_id, id)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("keys_include_tenant_id", f.alphaDb, "app.children_parent"));
            assertThat(report.findings().get(0).message()).contains("FOREIGN KEY (tenant_id, ...) REFERENCES app.parents");
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.children", "DROP TABLE app.parents");
        }
    }

    @Test
    void foreign_key_to_the_registry_by_another_column_is_a_violation() {
        f.createTenantTable(f.alphaDb, "app.shares", "id uuid NOT NULL, shared_with uuid REFERENCES platform.tenants (id), "
                + "PRIMARY KEY (tenant_id, id)");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("keys_include_tenant_id", f.alphaDb, "app.shares_shared_with_fkey"));
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.shares");
        }
    }

    @Test
    void view_without_security_invoker_is_a_violation() {
        f.sql(f.alphaDb, "CREATE VIEW app.recent_documents AS SELECT * FROM app.documents ORDER BY created_at DESC");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("views_security_invoker", f.alphaDb, "app.recent_documents"));
            assertThat(report.findings().get(0).message()).contains("security_invoker = true");
        } finally {
            f.sql(f.alphaDb, "DROP VIEW app.recent_documents");
        }
    }

    @Test
    void security_invoker_view_granted_to_the_app_role_passes() {
        f.sql(f.alphaDb, "CREATE VIEW app.titles WITH (security_invoker = true) AS SELECT tenant_id, id, title FROM app.documents",
                "GRANT SELECT ON app.titles TO " + f.alphaRole);
        try {
            assertThat(f.audit().findings()).isEmpty();
        } finally {
            f.sql(f.alphaDb, "DROP VIEW app.titles");
        }
    }

    @Test
    void materialized_view_over_a_tenant_table_is_a_violation() {
        String schema = f.gammaSchema;
        f.sql(f.schemaDb, "CREATE VIEW " + schema + ".doc_ids WITH (security_invoker = true) AS SELECT tenant_id, id FROM "
                        + schema + ".documents",
                "CREATE MATERIALIZED VIEW " + schema + ".doc_counts AS SELECT tenant_id, count(*) FROM " + schema
                        + ".doc_ids GROUP BY tenant_id");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("views_security_invoker", f.schemaDb, schema + ".doc_counts"));
            assertThat(report.findings().get(0).message()).contains(schema + ".documents");
        } finally {
            f.sql(f.schemaDb, "DROP MATERIALIZED VIEW " + schema + ".doc_counts", "DROP VIEW " + schema + ".doc_ids");
        }
    }

    @Test
    void security_definer_function_is_a_violation() {
        f.sql(f.alphaDb, "CREATE FUNCTION app.count_all_documents() RETURNS bigint LANGUAGE sql SECURITY DEFINER"
                + " AS 'SELECT count(*) FROM app.documents'");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report))
                    .containsExactly(tuple("security_definer_functions", f.alphaDb, "app.count_all_documents()"));
            assertThat(report.findings().get(0).message()).contains("search_path", "REVOKE EXECUTE");
        } finally {
            f.sql(f.alphaDb, "DROP FUNCTION app.count_all_documents()");
        }
    }

    @Test
    void security_definer_function_with_fixed_search_path_and_no_public_execute_is_a_warning() {
        f.sql(f.sharedRlsDb, "CREATE FUNCTION app.maintenance(integer) RETURNS bigint LANGUAGE sql SECURITY DEFINER"
                        + " SET search_path = pg_catalog, pg_temp AS 'SELECT count(*) FROM app.documents'",
                "REVOKE EXECUTE ON FUNCTION app.maintenance(integer) FROM PUBLIC");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("security_definer_functions", f.sharedRlsDb, "app.maintenance(integer)"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP FUNCTION app.maintenance(integer)");
        }
    }

    @Test
    void context_accessor_without_nullif_is_a_violation() throws Exception {
        String original = functionDefinition(f.alphaDb, "platform.current_tenant_id()");
        f.sql(f.alphaDb, "CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid LANGUAGE sql STABLE"
                + " AS $$ SELECT current_setting('app.tenant_id', true)::uuid $$");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("context_functions", f.alphaDb, "platform.current_tenant_id()"));
            assertThat(report.findings().get(0).message()).contains("NULLIF");
        } finally {
            f.sql(f.alphaDb, original);
        }
        assertThat(f.audit().findings()).isEmpty();
    }

    @Test
    void session_level_context_setter_is_a_violation() throws Exception {
        String original = functionDefinition(f.schemaDb, "platform.set_tenant_context(uuid, integer)");
        f.sql(f.schemaDb, "CREATE OR REPLACE FUNCTION platform.set_tenant_context(tenant uuid, tier integer) RETURNS void"
                + " LANGUAGE sql VOLATILE AS $$ SELECT set_config('app.tenant_id', tenant::text, false),"
                + " set_config('app.tenant_tier', tier::text, false) $$");
        try {
            assertThat(violations(f.audit()))
                    .containsExactly(tuple("context_functions", f.schemaDb, "platform.set_tenant_context(uuid, integer)"));
        } finally {
            f.sql(f.schemaDb, original);
        }
    }

    @Test
    void volatile_security_definer_visibility_function_is_a_violation() throws Exception {
        String original = functionDefinition(f.sharedRlsDb, "platform.visible_tenant_ids()");
        f.sql(f.sharedRlsDb, "ALTER FUNCTION platform.visible_tenant_ids() VOLATILE SECURITY DEFINER");
        try {
            assertThat(violations(f.audit())).containsExactlyInAnyOrder(
                    tuple("context_functions", f.sharedRlsDb, "platform.visible_tenant_ids()"),
                    tuple("security_definer_functions", f.sharedRlsDb, "platform.visible_tenant_ids()"));
        } finally {
            f.sql(f.sharedRlsDb, "ALTER FUNCTION platform.visible_tenant_ids() STABLE SECURITY INVOKER");
        }
        assertThat(functionDefinition(f.sharedRlsDb, "platform.visible_tenant_ids()")).isEqualTo(original);
    }

    @Test
    void tenant_table_without_an_index_leading_with_tenant_id_is_a_warning() {
        f.createTenantTable(f.alphaDb, "app.events", "id uuid NOT NULL, PRIMARY KEY (id, tenant_id)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("tenant_id_indexed", f.alphaDb, "app.events"));
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.events");
        }
    }

    @Test
    void identity_column_on_a_tenant_table_is_a_warning() {
        f.createTenantTable(f.alphaDb, "app.invoices",
                "number bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (tenant_id, number)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("shared_sequences", f.alphaDb, "app.invoices.number"));
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.invoices");
        }
    }

    @Test
    void tenant_table_of_a_tenant_schema_without_the_placement_guard_is_a_violation() {
        String table = f.gammaSchema + ".documents";
        f.sql(f.schemaDb, "DROP POLICY strata_placement_guard ON " + table);
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("placement_guard", f.schemaDb, table));
            assertThat(report.findings().get(0).message())
                    .contains("no placement guard", "CREATE POLICY strata_placement_guard", gammaId().toString());
        } finally {
            restoreGammaGuard(table);
        }
    }

    @Test
    void placement_guard_that_admits_a_tenant_not_placed_in_the_schema_is_a_violation() {
        String table = f.gammaSchema + ".documents";
        UUID stranger = UUID.randomUUID();
        f.sql(f.schemaDb, "ALTER POLICY strata_placement_guard ON " + table + " USING (tenant_id = ANY ('{" + gammaId() + ","
                + stranger + "}'::uuid[])) WITH CHECK (tenant_id = ANY ('{" + gammaId() + "," + stranger + "}'::uuid[]))");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("placement_guard", f.schemaDb, table));
            assertThat(report.findings().get(0).message()).contains(stranger.toString(), "does not place");
        } finally {
            restoreGammaGuard(table);
        }
    }

    @Test
    void placement_guard_on_some_commands_only_is_no_guard() {
        String table = f.gammaSchema + ".documents";
        f.sql(f.schemaDb, "DROP POLICY strata_placement_guard ON " + table,
                "CREATE POLICY strata_placement_guard ON " + table + " AS RESTRICTIVE FOR INSERT WITH CHECK (tenant_id = '"
                        + gammaId() + "'::uuid)");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("placement_guard", f.schemaDb, table));
        } finally {
            f.sql(f.schemaDb, "DROP POLICY strata_placement_guard ON " + table);
            restoreGammaGuard(table);
        }
    }

    @Test
    void placement_guard_with_a_using_clause_that_differs_from_its_check_is_no_guard() {
        String table = f.gammaSchema + ".documents";
        f.sql(f.schemaDb, "ALTER POLICY strata_placement_guard ON " + table + " USING (tenant_id = '" + gammaId()
                + "'::uuid) WITH CHECK (tenant_id IS NOT NULL)");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("placement_guard", f.schemaDb, table));
        } finally {
            restoreGammaGuard(table);
        }
    }

    @Test
    void new_tenant_table_in_a_tenant_schema_without_the_placement_guard_is_a_violation() {
        String table = f.gammaSchema + ".notes";
        f.createTenantTable(f.schemaDb, table, "id uuid NOT NULL, PRIMARY KEY (tenant_id, id)");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("placement_guard", f.schemaDb, table));
        } finally {
            f.sql(f.schemaDb, "DROP TABLE " + table);
        }
    }

    @Test
    void placement_guard_that_shuts_out_a_tenant_placed_in_the_schema_is_a_warning() {
        String table = f.gammaSchema + ".documents";
        f.sql(f.schemaDb, "ALTER POLICY strata_placement_guard ON " + table
                + " USING (tenant_id = ANY ('{}'::uuid[])) WITH CHECK (tenant_id = ANY ('{}'::uuid[]))");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("placement_guard", f.schemaDb, table));
        } finally {
            restoreGammaGuard(table);
        }
    }

    @Test
    void shared_table_of_a_database_with_tenant_schemas_without_the_placement_guard_is_a_violation() {
        f.sql(f.schemaDb, "DROP POLICY strata_placement_guard ON app.documents");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("placement_guard", f.schemaDb, "app.documents"));
            assertThat(report.findings().get(0).message()).contains(gammaId().toString(), "no placement guard");
        } finally {
            restoreSharedGuard();
        }
    }

    @Test
    void placement_guard_of_a_shared_table_that_lets_a_tenant_schema_in_is_a_violation() {
        f.sql(f.schemaDb, "ALTER POLICY strata_placement_guard ON app.documents USING (true) WITH CHECK (tenant_id <> '"
                + UUID.randomUUID() + "'::uuid)");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("placement_guard", f.schemaDb, "app.documents"));
            assertThat(report.findings().get(0).message()).contains(gammaId().toString(), "lets them");
        } finally {
            restoreSharedGuard();
        }
    }

    @Test
    void leakproof_function_is_a_warning() {
        f.sql(f.alphaDb, "CREATE FUNCTION app.same_title(text, text) RETURNS boolean LANGUAGE sql IMMUTABLE LEAKPROOF"
                + " AS 'SELECT $1 = $2'");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).isEmpty();
            assertThat(warnings(report)).containsExactly(tuple("leakproof_functions", f.alphaDb, "app.same_title(text, text)"));
        } finally {
            f.sql(f.alphaDb, "DROP FUNCTION app.same_title(text, text)");
        }
    }

    @Test
    void registered_database_missing_from_the_server_is_a_coverage_warning() {
        String ghost = f.management + "_t_" + UUID.randomUUID().toString().replace("-", "");
        f.sql(f.management, "INSERT INTO platform.databases (data_plane, name, purpose, app_role, app_password)"
                + " VALUES ('default', '" + ghost + "', 'tenant', '" + ghost.replace("_t_", "_app_t_") + "', 'unused')");
        try {
            AuditReport report = f.audit();
            assertThat(warnings(report)).containsExactlyInAnyOrder(
                    tuple("audit_coverage", ghost, ghost),
                    tuple("app_role_attributes", ghost, ghost.replace("_t_", "_app_t_")));
            assertThat(report.databases()).doesNotContain(ghost);
        } finally {
            f.sql(f.management, "DELETE FROM platform.databases WHERE name = '" + ghost + "'");
        }
    }

    /** The schema-mode T1 gamma's id, from its schema's name {@code t_<id hex>}. */
    private static UUID gammaId() {
        String hex = f.gammaSchema.substring(2);
        return UUID.fromString(hex.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    }

    /** Puts the guard of the shared schema database's app.documents back exactly as Strata makes it. */
    private static void restoreSharedGuard() {
        f.sql(f.schemaDb, "DROP POLICY IF EXISTS strata_placement_guard ON app.documents",
                "CREATE POLICY strata_placement_guard ON app.documents AS RESTRICTIVE FOR ALL USING (true)"
                        + " WITH CHECK (tenant_id <> '" + gammaId() + "'::uuid)");
        assertThat(f.audit().findings()).isEmpty();
    }

    /** Puts gamma's guard back exactly as Strata makes it. */
    private static void restoreGammaGuard(String table) {
        String guard = "(tenant_id = '" + gammaId() + "'::uuid)";
        f.sql(f.schemaDb, "DROP POLICY IF EXISTS strata_placement_guard ON " + table,
                "CREATE POLICY strata_placement_guard ON " + table + " AS RESTRICTIVE FOR ALL USING " + guard
                        + " WITH CHECK " + guard);
        assertThat(f.audit().findings()).isEmpty();
    }

    private static String functionDefinition(String database, String signature) throws Exception {
        try (Connection c = dev.strata.testing.TestStrata.admin(database);
             PreparedStatement ps = c.prepareStatement("SELECT pg_get_functiondef(to_regprocedure(?))")) {
            ps.setString(1, signature);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
