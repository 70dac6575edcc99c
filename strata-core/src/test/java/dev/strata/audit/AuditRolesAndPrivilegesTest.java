package dev.strata.audit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.strata.audit.AuditFixture.violations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Each test breaks one rule about app roles, privileges and connections through an administrator
 * connection, checks that the audit names exactly that breach, and repairs it.
 */
class AuditRolesAndPrivilegesTest {
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
    void app_role_with_bypassrls_is_a_violation() {
        f.sql("postgres", "ALTER ROLE " + f.alphaRole + " BYPASSRLS");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_attributes", f.alphaDb, f.alphaRole));
            assertThat(report.findings().get(0).message()).contains("BYPASSRLS", "ALTER ROLE " + f.alphaRole + " NOBYPASSRLS");
            assertThat(report.passed()).isFalse();
        } finally {
            f.sql("postgres", "ALTER ROLE " + f.alphaRole + " NOBYPASSRLS");
        }
    }

    @Test
    void superuser_app_role_is_reported_once_rather_than_on_every_object_it_could_reach() {
        f.sql("postgres", "ALTER ROLE " + f.sharedRlsRole + " SUPERUSER");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_attributes", f.sharedRlsDb, f.sharedRlsRole));
        } finally {
            f.sql("postgres", "ALTER ROLE " + f.sharedRlsRole + " NOSUPERUSER");
        }
    }

    @Test
    void app_role_member_of_another_role_is_a_violation() {
        String helper = f.management + "_helper";
        f.sql("postgres", "CREATE ROLE " + helper, "GRANT " + helper + " TO " + f.alphaRole);
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_attributes", f.alphaDb, f.alphaRole));
            assertThat(report.findings().get(0).message()).contains("member of role " + helper);
        } finally {
            f.sql("postgres", "DROP ROLE " + helper);
        }
    }

    @Test
    void an_app_role_that_inherits_the_t1_context_roles_rights_is_a_violation() {
        String t1Role = f.management + "_t1_context";
        f.sql("postgres", "ALTER ROLE " + f.alphaRole + " INHERIT");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_attributes", f.alphaDb, f.alphaRole));
            assertThat(report.findings().get(0).message()).contains("member of role " + t1Role);
        } finally {
            f.sql("postgres", "ALTER ROLE " + f.alphaRole + " NOINHERIT");
        }
    }

    @Test
    void a_t1_context_role_that_bypasses_row_level_security_is_a_violation() {
        String t1Role = f.management + "_t1_context";
        f.sql("postgres", "ALTER ROLE " + t1Role + " BYPASSRLS");
        try {
            assertThat(violations(f.audit())).extracting(t -> t.toList().get(2)).containsOnly(t1Role);
        } finally {
            f.sql("postgres", "ALTER ROLE " + t1Role + " NOBYPASSRLS");
        }
    }

    @Test
    void app_role_owning_a_function_is_a_violation() {
        f.sql(f.alphaDb, "CREATE FUNCTION app.owned_by_app() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "ALTER FUNCTION app.owned_by_app() OWNER TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit()))
                    .containsExactly(tuple("app_role_owns_nothing", f.alphaDb, "function app.owned_by_app()"));
        } finally {
            f.sql(f.alphaDb, "DROP FUNCTION app.owned_by_app()");
        }
    }

    @Test
    void app_role_owning_a_table_is_a_violation() {
        f.createTenantTable(f.alphaDb, "app.owned_table", "id uuid NOT NULL, PRIMARY KEY (tenant_id, id)");
        f.sql(f.alphaDb, "ALTER TABLE app.owned_table OWNER TO " + f.alphaRole);
        try {
            // An owner also holds every privilege on what it owns, TRUNCATE included.
            assertThat(violations(f.audit())).containsExactlyInAnyOrder(
                    tuple("app_role_owns_nothing", f.alphaDb, "table app.owned_table"),
                    tuple("app_role_table_privileges", f.alphaDb, "app.owned_table"));
        } finally {
            f.sql(f.alphaDb, "DROP TABLE app.owned_table");
        }
    }

    @Test
    void app_role_owning_its_database_is_a_violation() {
        f.sql("postgres", "ALTER DATABASE " + f.alphaDb + " OWNER TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit()))
                    .contains(tuple("app_role_owns_nothing", f.alphaDb, "database " + f.alphaDb));
        } finally {
            f.sql("postgres", "ALTER DATABASE " + f.alphaDb + " OWNER TO CURRENT_USER");
        }
    }

    @Test
    void create_on_a_schema_for_the_app_role_is_a_violation() {
        f.sql(f.sharedRlsDb, "GRANT CREATE ON SCHEMA app TO " + f.sharedRlsRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_no_create", f.sharedRlsDb, "app"));
        } finally {
            f.sql(f.sharedRlsDb, "REVOKE CREATE ON SCHEMA app FROM " + f.sharedRlsRole);
        }
    }

    @Test
    void create_on_the_public_schema_for_everyone_is_a_violation() {
        f.sql(f.schemaDb, "GRANT CREATE ON SCHEMA public TO PUBLIC");
        try {
            // PUBLIC's grant reaches both request-path roles of the database: its app role and the T1 context role.
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_no_create", f.schemaDb, "public"),
                    tuple("app_role_no_create", f.schemaDb, "public"));
        } finally {
            f.sql(f.schemaDb, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
        }
    }

    @Test
    void temporary_on_its_database_for_the_app_role_is_a_violation() {
        f.sql("postgres", "GRANT TEMPORARY ON DATABASE " + f.alphaDb + " TO " + f.alphaRole);
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_no_create", f.alphaDb, f.alphaRole));
            assertThat(report.findings().get(0).message()).contains("REVOKE TEMPORARY ON DATABASE " + f.alphaDb);
        } finally {
            f.sql("postgres", "REVOKE TEMPORARY ON DATABASE " + f.alphaDb + " FROM " + f.alphaRole);
        }
    }

    @Test
    void truncate_granted_to_the_app_role_is_a_violation() {
        f.sql(f.alphaDb, "GRANT TRUNCATE ON app.documents TO " + f.alphaRole);
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_table_privileges", f.alphaDb, "app.documents"));
            assertThat(report.findings().get(0).message()).contains("TRUNCATE", "REVOKE TRUNCATE ON app.documents");
        } finally {
            f.sql(f.alphaDb, "REVOKE TRUNCATE ON app.documents FROM " + f.alphaRole);
        }
    }

    @Test
    void references_on_a_single_column_is_a_violation() {
        f.sql(f.schemaDb, "GRANT REFERENCES (title) ON " + f.gammaSchema + ".documents TO PUBLIC");
        try {
            // PUBLIC's grant reaches both request-path roles of the database: its app role and the T1 context role.
            assertThat(violations(f.audit())).containsExactly(
                    tuple("app_role_table_privileges", f.schemaDb, f.gammaSchema + ".documents"),
                    tuple("app_role_table_privileges", f.schemaDb, f.gammaSchema + ".documents"));
        } finally {
            f.sql(f.schemaDb, "REVOKE REFERENCES (title) ON " + f.gammaSchema + ".documents FROM PUBLIC");
        }
    }

    @Test
    void any_privilege_on_the_migration_history_is_a_violation() {
        f.sql(f.alphaDb, "GRANT SELECT ON platform.strata_schema_history TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit()))
                    .containsExactly(tuple("app_role_table_privileges", f.alphaDb, "platform.strata_schema_history"));
        } finally {
            f.sql(f.alphaDb, "REVOKE SELECT ON platform.strata_schema_history FROM " + f.alphaRole);
        }
    }

    @Test
    void privileges_on_a_table_without_tenant_id_are_a_violation() {
        f.sql(f.sharedRlsDb, "CREATE TABLE app.settings (key text PRIMARY KEY, value text)",
                "GRANT SELECT ON app.settings TO " + f.sharedRlsRole);
        try {
            assertThat(violations(f.audit())).containsExactlyInAnyOrder(
                    tuple("app_role_table_privileges", f.sharedRlsDb, "app.settings"),
                    tuple("tables_have_tenant_id", f.sharedRlsDb, "app.settings"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP TABLE app.settings");
        }
    }

    @Test
    void declared_reference_data_may_be_read_but_not_written() {
        f.sql(f.sharedRlsDb, "CREATE TABLE app.countries (code text PRIMARY KEY)",
                "COMMENT ON TABLE app.countries IS 'strata:reference-data'",
                "GRANT SELECT ON app.countries TO " + f.sharedRlsRole);
        try {
            assertThat(violations(f.audit())).isEmpty();
            f.sql(f.sharedRlsDb, "GRANT INSERT ON app.countries TO " + f.sharedRlsRole);
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_table_privileges", f.sharedRlsDb, "app.countries"));
        } finally {
            f.sql(f.sharedRlsDb, "DROP TABLE app.countries");
        }
    }

    @Test
    void writing_the_local_tenant_registry_is_a_violation() {
        f.sql(f.alphaDb, "GRANT INSERT ON platform.tenants TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_table_privileges", f.alphaDb, "platform.tenants"));
        } finally {
            f.sql(f.alphaDb, "REVOKE INSERT ON platform.tenants FROM " + f.alphaRole);
        }
    }

    @Test
    void any_privilege_in_the_management_database_is_a_violation() {
        f.sql(f.management, "GRANT SELECT ON platform.databases TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_table_privileges", f.management, "platform.databases"));
        } finally {
            f.sql(f.management, "REVOKE SELECT ON platform.databases FROM " + f.alphaRole);
        }
    }

    @Test
    void a_grant_to_an_app_role_inside_the_template_is_a_violation() {
        f.inTemplate("GRANT SELECT ON app.documents TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("app_role_table_privileges", f.template, f.alphaRole));
        } finally {
            f.inTemplate("REVOKE SELECT ON app.documents FROM " + f.alphaRole);
        }
    }

    @Test
    void an_object_owned_by_an_app_role_inside_the_template_is_a_violation() {
        f.inTemplate("CREATE FUNCTION app.planted() RETURNS int LANGUAGE sql AS 'SELECT 1'",
                "ALTER FUNCTION app.planted() OWNER TO " + f.sharedRlsRole);
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("app_role_owns_nothing", f.template, f.sharedRlsRole));
            assertThat(report.findings().get(0).message()).contains("REASSIGN OWNED BY " + f.sharedRlsRole);
        } finally {
            f.inTemplate("DROP FUNCTION app.planted()");
        }
    }

    @Test
    void connect_granted_to_public_is_a_violation() {
        f.sql("postgres", "GRANT CONNECT ON DATABASE " + f.alphaDb + " TO PUBLIC");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("database_connect_privileges", f.alphaDb, "PUBLIC"));
            assertThat(report.findings().get(0).message()).contains("REVOKE ALL ON DATABASE " + f.alphaDb + " FROM PUBLIC");
        } finally {
            f.sql("postgres", "REVOKE CONNECT ON DATABASE " + f.alphaDb + " FROM PUBLIC");
        }
    }

    @Test
    void temporary_granted_to_public_on_the_management_database_is_a_violation() {
        f.sql("postgres", "GRANT TEMPORARY ON DATABASE " + f.management + " TO PUBLIC");
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("database_connect_privileges", f.management, "PUBLIC"));
        } finally {
            f.sql("postgres", "REVOKE TEMPORARY ON DATABASE " + f.management + " FROM PUBLIC");
        }
    }

    @Test
    void app_role_able_to_connect_to_the_management_database_is_a_violation() {
        f.sql("postgres", "GRANT CONNECT ON DATABASE " + f.management + " TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("database_connect_privileges", f.management, f.alphaRole));
        } finally {
            f.sql("postgres", "REVOKE CONNECT ON DATABASE " + f.management + " FROM " + f.alphaRole);
        }
    }

    @Test
    void app_role_able_to_connect_to_another_tenant_database_is_a_violation() {
        f.sql("postgres", "GRANT CONNECT ON DATABASE " + f.sharedRlsDb + " TO " + f.alphaRole);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("database_connect_privileges", f.sharedRlsDb, f.alphaRole));
        } finally {
            f.sql("postgres", "REVOKE CONNECT ON DATABASE " + f.sharedRlsDb + " FROM " + f.alphaRole);
        }
    }

    @Test
    void another_role_able_to_connect_to_a_tenant_database_is_a_violation() {
        String reporting = f.management + "_reporting";
        f.sql("postgres", "CREATE ROLE " + reporting, "GRANT CONNECT ON DATABASE " + f.schemaDb + " TO " + reporting);
        try {
            assertThat(violations(f.audit())).containsExactly(tuple("database_connect_privileges", f.schemaDb, reporting));
        } finally {
            f.sql("postgres", "REVOKE CONNECT ON DATABASE " + f.schemaDb + " FROM " + reporting, "DROP ROLE " + reporting);
        }
    }

    @Test
    void a_default_tenant_context_for_the_app_role_is_a_violation() {
        f.sql("postgres", "ALTER ROLE " + f.alphaRole + " IN DATABASE " + f.alphaDb
                + " SET app.tenant_id = '00000000-0000-0000-0000-000000000001'");
        try {
            AuditReport report = f.audit();
            assertThat(violations(report)).containsExactly(tuple("context_defaults", f.alphaDb, f.alphaRole));
            assertThat(report.findings().get(0).message()).contains("RESET app.tenant_id");
        } finally {
            f.sql("postgres", "ALTER ROLE " + f.alphaRole + " IN DATABASE " + f.alphaDb + " RESET app.tenant_id");
        }
    }
}
