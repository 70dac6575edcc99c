package dev.strata.provisioning;

import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.sql.Jdbc;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What provisioning builds on the server for the hybrid default: a database and an app role per T1. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisioningTest {
    private Strata strata;
    private Tenant alpha;
    private Tenant beta;
    private Tenant a1;
    private DatabaseRecord alphaDb;
    private DatabaseRecord betaDb;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        alpha = strata.tenants().create(NewTenant.t1("alpha"));
        beta = strata.tenants().create(NewTenant.t1("beta"));
        a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
        alphaDb = database(alpha);
        betaDb = database(beta);
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void each_t1_gets_its_own_database_and_app_role() {
        assertThat(alpha.placement().database()).isNotEqualTo(beta.placement().database());
        assertThat(alphaDb.appRole()).isNotEqualTo(betaDb.appRole());
        assertThat(alphaDb.appPassword()).isNotEqualTo(betaDb.appPassword());
        assertThat(a1.placement().database()).as("a T2 lives in its T1's database").isEqualTo(alpha.placement().database());
        assertThat(a1.placement().schema()).isEqualTo("app");
    }

    @Test
    void the_t1_database_is_a_copy_of_the_template_with_the_platform_and_app_schemas() throws SQLException {
        try (Connection c = TestStrata.admin(alpha.placement().database())) {
            assertThat(strings(c, "SELECT nspname FROM pg_namespace WHERE nspname IN ('app', 'platform') ORDER BY 1"))
                    .containsExactly("app", "platform");
            assertThat(strings(c, "SELECT proname FROM pg_proc WHERE pronamespace = 'platform'::regnamespace ORDER BY 1"))
                    .contains("current_tenant_id", "current_tenant_tier", "set_tenant_context");
            assertThat(strings(c, "SELECT relname || ':' || relrowsecurity || ':' || relforcerowsecurity FROM pg_class "
                    + "WHERE oid = 'app.documents'::regclass")).containsExactly("documents:true:true");
        }
    }

    @Test
    void the_app_role_can_do_nothing_but_log_in() throws SQLException {
        try (Connection c = TestStrata.admin("postgres")) {
            assertThat(strings(c, "SELECT rolsuper || ',' || rolbypassrls || ',' || rolcreatedb || ',' || rolcreaterole || ','"
                    + " || rolreplication || ',' || rolinherit || ',' || rolcanlogin FROM pg_roles WHERE rolname = '"
                    + alphaDb.appRole() + "'")).containsExactly("false,false,false,false,false,false,true");
        }
        try (Connection c = TestStrata.admin(alpha.placement().database())) {
            String role = alphaDb.appRole();
            assertThat(strings(c, "SELECT has_table_privilege('" + role + "', 'app.documents', 'TRUNCATE') || ','"
                    + " || has_table_privilege('" + role + "', 'app.documents', 'REFERENCES') || ','"
                    + " || has_table_privilege('" + role + "', 'app.documents', 'TRIGGER') || ','"
                    + " || has_table_privilege('" + role + "', 'app.documents', 'SELECT') || ','"
                    + " || has_schema_privilege('" + role + "', 'app', 'CREATE') || ','"
                    + " || has_schema_privilege('" + role + "', 'public', 'CREATE') || ','"
                    + " || has_database_privilege('" + role + "', current_database(), 'TEMPORARY')"))
                    .containsExactly("false,false,false,true,false,false,false");
            assertThat(strings(c, "SELECT count(*)::text FROM pg_class WHERE relowner = '" + role + "'::regrole"))
                    .containsExactly("0");
        }
    }

    @Test
    void public_cannot_connect_to_any_strata_database() throws SQLException {
        try (Connection c = TestStrata.admin("postgres")) {
            String ns = strata.config().namespace();
            assertThat(strings(c, "SELECT datname FROM pg_database WHERE datname LIKE '" + ns + "%' "
                    + "AND has_database_privilege('public', oid, 'CONNECT')")).isEmpty();
        }
    }

    @Test
    void one_t1s_role_cannot_connect_to_another_t1s_database_or_to_the_management_database() throws SQLException {
        try (Connection own = TestStrata.as(alphaDb.name(), alphaDb.appRole(), alphaDb.appPassword())) {
            assertThat(own.isValid(2)).isTrue();
        }
        assertThatThrownBy(() -> TestStrata.as(betaDb.name(), alphaDb.appRole(), alphaDb.appPassword()).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
        assertThatThrownBy(() -> TestStrata.as(strata.config().namespace(), alphaDb.appRole(), alphaDb.appPassword()).close())
                .isInstanceOf(SQLException.class).hasMessageContaining("permission denied for database");
        assertThatThrownBy(() -> TestStrata.as(alphaDb.name(), alphaDb.appRole(), "wrong password").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }

    @Test
    void the_t1_and_its_t2s_are_registered_in_the_t1s_own_database() throws SQLException {
        try (Connection c = TestStrata.admin(alpha.placement().database())) {
            assertThat(strings(c, "SELECT slug || ':' || tier || ':' || coalesce(parent_id::text, '-') FROM platform.tenants ORDER BY tier"))
                    .containsExactly("alpha:1:" + alpha.parentId(), "a1:2:" + alpha.id());
        }
        try (Connection c = TestStrata.admin(beta.placement().database())) {
            assertThat(strings(c, "SELECT slug FROM platform.tenants")).containsExactly("beta");
        }
    }

    @Test
    void provisioning_is_journalled_and_audited() throws SQLException {
        try (Connection c = TestStrata.admin(strata.config().namespace())) {
            assertThat(strings(c, "SELECT state || ' ' || (SELECT string_agg(s->>'step' || ':' || (s->>'phase'), ' ') "
                    + "FROM jsonb_array_elements(steps) s) FROM platform.operations "
                    + "WHERE tenant_id = '" + alpha.id() + "' AND kind = 'provision'"))
                    .containsExactly("succeeded database:started database:done register_locally:started register_locally:done");
        }
        assertThat(strata.tenants().history("alpha")).extracting(e -> e.action()).containsExactly("created");
        assertThat(strata.tenants().history("alpha").get(0).detailJson()).contains("\"mode\": \"database\"");
    }

    @Test
    void tenants_and_their_data_survive_a_restart() throws SQLException {
        UUID doc = Documents.insert(strata, a1.id(), "kept");
        String namespace = strata.config().namespace();
        strata.close();
        strata = TestStrata.start(b -> b.namespace(namespace));
        assertThat(strata.tenants().get("a1").id()).isEqualTo(a1.id());
        assertThat(Documents.visible(strata, a1.id())).extracting(Documents.Doc::id).contains(doc);
    }

    private DatabaseRecord database(Tenant t) {
        return Jdbc.withConnection(strata.internals().management(), "read",
                c -> DatabaseStore.find(c, t.placement().dataPlane(), t.placement().database())).orElseThrow();
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
