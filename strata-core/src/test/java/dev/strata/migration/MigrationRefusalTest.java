package dev.strata.migration;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every migration that would weaken isolation is refused on the template, before any tenant is
 * touched: MIGRATION_REFUSED, a message naming the object and what to change, and the template and
 * every tenant database and schema exactly as they were.
 */
class MigrationRefusalTest {
    @TempDir
    static Path dir;

    private static MigrationWorld world;
    private static Map<String, String> before;
    private static String t1Role;

    @BeforeAll
    static void createWorld() throws Exception {
        world = MigrationWorld.create(dir);
        world.start();
        world.stop();
        before = world.catalog();
        t1Role = "\"" + world.namespace + "_t1_context\"";
    }

    @AfterAll
    static void dropWorld() {
        world.close();
    }

    @AfterEach
    void removeTheMigration() {
        world.files.remove("V2__weaken.sql");
    }

    private static void assertRefused(String sql, String... fragments) throws Exception {
        world.files.add("V2__weaken.sql", sql);
        assertThatThrownBy(world::start).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.MIGRATION_REFUSED);
            assertThat(e.getMessage()).contains("V2__weaken.sql", world.namespace + "_template/app");
            assertThat(e.getMessage()).contains(fragments);
        });
        assertThat(world.catalog()).as("the template and every tenant are untouched").isEqualTo(before);
    }

    @Test
    void a_failing_migration_fails_on_the_template_and_changes_nothing() throws Exception {
        world.files.add("V2__weaken.sql", "CREATE TABLE fine (tenant_id uuid NOT NULL, PRIMARY KEY (tenant_id));\nSELECT no_such_column FROM documents;");
        assertThatThrownBy(world::start).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MIGRATION_FAILED);
            assertThat(e.getMessage()).contains("V2__weaken.sql", world.namespace + "_template/app", "no_such_column");
        });
        assertThat(world.catalog()).isEqualTo(before);
    }

    @Test
    void a_primary_key_without_tenant_id_is_refused() throws Exception {
        assertRefused("""
                CREATE TABLE notes (tenant_id uuid NOT NULL REFERENCES platform.tenants (id), id uuid PRIMARY KEY);
                """, "notes_pkey", "does not include tenant_id", "PRIMARY KEY (tenant_id, ...)");
    }

    @Test
    void a_unique_constraint_without_tenant_id_is_refused() throws Exception {
        assertRefused("ALTER TABLE documents ADD CONSTRAINT documents_title_key UNIQUE (title);",
                "documents_title_key", "UNIQUE (tenant_id, ...)");
    }

    @Test
    void a_unique_index_without_tenant_id_is_refused() throws Exception {
        assertRefused("CREATE UNIQUE INDEX documents_by_title ON documents (lower(title));",
                "documents_by_title", "tenant_id");
    }

    @Test
    void a_foreign_key_not_matching_tenant_id_is_refused() throws Exception {
        assertRefused("""
                CREATE TABLE comments (
                    tenant_id uuid NOT NULL REFERENCES platform.tenants (id),
                    id uuid NOT NULL,
                    document_id uuid NOT NULL,
                    PRIMARY KEY (tenant_id, id),
                    CONSTRAINT comments_document FOREIGN KEY (document_id, tenant_id) REFERENCES documents (tenant_id, id)
                );
                """, "comments_document", "FOREIGN KEY (tenant_id, ...) REFERENCES");
    }

    @Test
    void a_view_without_security_invoker_is_refused() throws Exception {
        assertRefused("CREATE VIEW recent_documents AS SELECT * FROM documents;",
                "recent_documents", "security_invoker = true");
    }

    @Test
    void a_materialized_view_is_refused() throws Exception {
        assertRefused("CREATE MATERIALIZED VIEW document_counts AS SELECT tenant_id, count(*) FROM documents GROUP BY 1;",
                "document_counts", "security_invoker");
    }

    @Test
    void a_security_definer_function_is_refused() throws Exception {
        assertRefused("""
                CREATE FUNCTION count_all() RETURNS bigint LANGUAGE sql SECURITY DEFINER AS $$ SELECT count(*) FROM documents $$;
                """, "count_all()", "SECURITY DEFINER", "Drop SECURITY DEFINER");
    }

    @Test
    void a_trigger_calling_a_security_definer_function_is_refused() throws Exception {
        assertRefused("""
                CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
                BEGIN NEW.body := NEW.body || '.'; RETURN NEW; END $$;
                CREATE TRIGGER documents_stamp BEFORE INSERT ON documents FOR EACH ROW EXECUTE FUNCTION stamp();
                """, "documents_stamp", "SECURITY DEFINER");
    }

    @Test
    void a_restrictive_policy_calling_a_security_definer_function_is_refused() throws Exception {
        assertRefused("""
                CREATE FUNCTION allowed(t uuid) RETURNS boolean LANGUAGE sql SECURITY DEFINER AS $$ SELECT true $$;
                CREATE POLICY only_allowed ON documents AS RESTRICTIVE USING (allowed(tenant_id));
                """, "only_allowed", "SECURITY DEFINER");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN", "ALL", "SELECT"})
    void a_grant_to_public_is_refused(String privilege) throws Exception {
        assertRefused("GRANT " + privilege + " ON documents TO PUBLIC;", "PUBLIC holds", "documents", "Remove the GRANT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUNCATE", "REFERENCES", "TRIGGER"})
    void a_grant_to_the_app_roles_beyond_the_standard_ones_is_refused(String privilege) throws Exception {
        assertRefused("GRANT " + privilege + " ON documents TO " + t1Role + ";", privilege, "documents",
                "not subject to row level security");
    }

    @Test
    void a_grant_with_grant_option_is_refused() throws Exception {
        assertRefused("GRANT SELECT ON documents TO " + t1Role + " WITH GRANT OPTION;", "WITH GRANT OPTION", "documents");
    }

    @Test
    void a_column_grant_beyond_the_standard_ones_is_refused() throws Exception {
        assertRefused("GRANT REFERENCES (title) ON documents TO " + t1Role + ";", "column title", "REFERENCES");
    }

    @Test
    void a_grant_on_the_history_is_refused() throws Exception {
        assertRefused("GRANT SELECT ON strata_schema_history TO " + t1Role + ";", "strata_schema_history", "Strata's own");
    }

    @Test
    void create_on_the_schema_for_the_app_role_is_refused() throws Exception {
        assertRefused("GRANT CREATE ON SCHEMA app TO " + t1Role + ";", "CREATE on schema app");
    }

    @Test
    void a_grant_on_another_schema_is_refused() throws Exception {
        assertRefused("GRANT UPDATE ON platform.tenants TO " + t1Role + ";", "relation platform.tenants",
                "outside schema app");
    }

    @Test
    void altering_default_privileges_is_refused() throws Exception {
        assertRefused("ALTER DEFAULT PRIVILEGES GRANT TRUNCATE ON TABLES TO PUBLIC;", "ALTER DEFAULT PRIVILEGES");
    }

    @Test
    void a_table_without_tenant_id_that_is_not_declared_reference_data_is_refused() throws Exception {
        assertRefused("CREATE TABLE settings (key text PRIMARY KEY, value text);",
                "app.settings", "has no tenant_id", "COMMENT ON TABLE settings IS 'strata:reference-data'");
    }

    @Test
    void a_permissive_policy_written_by_the_migration_is_refused() throws Exception {
        assertRefused("CREATE POLICY everyone_reads ON documents FOR SELECT USING (true);",
                "everyone_reads", "OR-ed with Strata's own", "AS RESTRICTIVE");
    }

    @Test
    void a_rule_on_a_tenant_table_is_refused() throws Exception {
        assertRefused("CREATE RULE keep_documents AS ON DELETE TO documents DO INSTEAD NOTHING;",
                "keep_documents", "rule");
    }

    @Test
    void making_the_app_role_owner_is_refused() throws Exception {
        assertRefused("ALTER TABLE documents OWNER TO " + t1Role + ";", "owns", "documents");
    }

    @ParameterizedTest
    @ValueSource(strings = {"BYPASSRLS", "SUPERUSER", "CREATEROLE", "CREATEDB"})
    void giving_the_app_role_attributes_is_refused(String attribute) throws Exception {
        assertRefused("ALTER ROLE " + t1Role + " " + attribute + ";", attribute, "Remove the ALTER ROLE");
    }

    @Test
    void giving_the_app_role_memberships_is_refused() throws Exception {
        assertRefused("GRANT pg_read_all_data TO " + t1Role + ";", "pg_read_all_data", "member");
    }

    @Test
    void a_tenant_table_inheriting_from_a_table_without_tenant_id_is_refused() throws Exception {
        assertRefused("""
                CREATE TABLE labels (id int NOT NULL, name text);
                COMMENT ON TABLE labels IS 'strata:reference-data';
                CREATE TABLE tenant_labels (tenant_id uuid NOT NULL REFERENCES platform.tenants (id),
                                            PRIMARY KEY (tenant_id, id)) INHERITS (labels);
                """, "tenant_labels", "inherits from", "labels");
    }

    @Test
    void a_foreign_table_is_refused() throws Exception {
        assertRefused("""
                CREATE FOREIGN DATA WRAPPER elsewhere;
                CREATE SERVER remote FOREIGN DATA WRAPPER elsewhere;
                CREATE FOREIGN TABLE remote_documents (tenant_id uuid, title text) SERVER remote;
                """, "foreign");
    }

    @Test
    void replacing_a_platform_function_is_refused() throws Exception {
        assertRefused("""
                CREATE OR REPLACE FUNCTION platform.current_tenant_id() RETURNS uuid LANGUAGE sql STABLE
                    AS $$ SELECT id FROM platform.tenants LIMIT 1 $$;
                """, "function platform.current_tenant_id()", "outside schema app");
    }

    @Test
    void a_table_outside_the_schema_is_refused() throws Exception {
        assertRefused("CREATE TABLE public.everything (tenant_id uuid, secret text);", "relation public.everything",
                "outside schema app");
    }

    @Test
    void switching_role_inside_a_do_block_is_refused() throws Exception {
        assertRefused("DO $$ BEGIN EXECUTE 'SET ROLE " + t1Role + "'; END $$;",
                "switched the role");
    }
}
