package dev.strata.analytics;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.audit.AuditSeverity;
import dev.strata.internal.analytics.T0Reader;
import dev.strata.internal.sql.Identifiers;
import dev.strata.testing.Documents;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * T0 analytics ({@code Strata.analytics()}): one read-only query in every tenant database and
 * schema, every mode and tier, the rows merged with the tenant each came from; failing targets
 * reported beside the others' rows; anything that writes, escalates or is not one query refused
 * with nothing changed; the role it runs as reads only under a T0 context.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class T0AnalyticsTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(TestStrata.MIGRATIONS);

    private Strata strata;
    private final Map<String, Tenant> tenants = new HashMap<>();

    @BeforeAll
    void topology() throws SQLException {
        strata = FIXTURE.strata();
        add(NewTenant.t1("alpha"));                                          // its own database
        add(NewTenant.t2("a1", "alpha"));                                    // rls in alpha's database
        add(NewTenant.t2("a2", "alpha").withMode(IsolationMode.SCHEMA));     // its schema in alpha's database
        add(NewTenant.t2("a3", "alpha").withMode(IsolationMode.DATABASE));   // its own database
        add(NewTenant.t1("rho").withMode(IsolationMode.RLS));                // shared rls database
        add(NewTenant.t2("r1", "rho"));
        add(NewTenant.t1("sigma").withMode(IsolationMode.SCHEMA));           // shared schema database
        add(NewTenant.t2("s1", "sigma"));
        for (Tenant t : tenants.values()) {
            Documents.insert(strata, t.id(), "doc of " + t.slug());
            Documents.insert(strata, t.id(), "second doc of " + t.slug());
        }
    }

    private void add(NewTenant spec) {
        Tenant t = strata.tenants().create(spec);
        tenants.put(t.slug(), t);
    }

    private List<AnalyticsRow> query(String sql) {
        List<AnalyticsRow> rows = Collections.synchronizedList(new ArrayList<>());
        AnalyticsResult result = strata.analytics().queryAllTenants(sql, rows::add);
        assertThat(result.failures()).as("failures of %s", sql).isEmpty();
        assertThat(result.rows()).isEqualTo(rows.size());
        return rows;
    }

    @Test
    void every_tenant_of_every_mode_and_tier_comes_back_with_exactly_its_rows_and_its_tenant() {
        List<AnalyticsRow> rows = query("SELECT tenant_id, title FROM documents");
        assertThat(rows).hasSize(2 * tenants.size());
        for (Tenant t : tenants.values()) {
            assertThat(rows).as("rows of %s (%s)", t.slug(), t.mode().wireName())
                    .filteredOn(r -> t.id().equals(r.tenantId()))
                    .extracting(r -> r.value("title"))
                    .containsExactlyInAnyOrder("doc of " + t.slug(), "second doc of " + t.slug());
            assertThat(rows).filteredOn(r -> t.id().equals(r.tenantId()))
                    .allSatisfy(r -> {
                        assertThat(r.tenantSlug()).isEqualTo(t.slug());
                        assertThat(r.target()).endsWith("/" + t.placement().database() + "/" + t.placement().schema());
                        assertThat(r.columns()).containsExactly("tenant_id", "title");
                    });
        }
    }

    @Test
    void rows_without_a_tenant_id_column_carry_the_tenant_of_their_schema_or_database() {
        List<AnalyticsRow> rows = query("SELECT count(*) AS documents FROM documents");
        long total = rows.stream().mapToLong(r -> ((Number) r.value("documents")).longValue()).sum();
        assertThat(total).isEqualTo(2L * tenants.size());
        Tenant a2 = tenants.get("a2");
        assertThat(rows).filteredOn(r -> r.target().endsWith("/" + a2.placement().schema()))
                .singleElement().satisfies(r -> {
                    assertThat(r.tenantSlug()).isEqualTo("a2");
                    assertThat(r.value("documents")).isEqualTo(2L);
                });
        Tenant alpha = tenants.get("alpha");
        assertThat(rows).filteredOn(r -> r.target().endsWith(alpha.placement().database() + "/app"))
                .singleElement().satisfies(r -> {
                    assertThat(r.tenantSlug()).as("alpha's database holds alpha and its rls T2").isEqualTo("alpha");
                    assertThat(r.value("documents")).isEqualTo(4L);
                });
        Tenant rho = tenants.get("rho");
        assertThat(rows).filteredOn(r -> r.target().endsWith(rho.placement().database() + "/app"))
                .singleElement().satisfies(r -> assertThat(r.value("documents")).isEqualTo(4L));
    }

    @Test
    void a_failing_target_is_reported_while_the_others_rows_arrive() throws SQLException {
        Tenant a3 = tenants.get("a3");
        String database = a3.placement().database();
        try (Connection admin = TestStrata.admin("postgres"); Statement s = admin.createStatement()) {
            s.execute("ALTER DATABASE " + Identifiers.quote(database) + " ALLOW_CONNECTIONS false");
            try {
                List<AnalyticsRow> rows = Collections.synchronizedList(new ArrayList<>());
                AnalyticsResult result = strata.analytics().queryAllTenants("SELECT tenant_id, title FROM documents",
                        rows::add);
                assertThat(result.failures()).singleElement().satisfies(f -> {
                    assertThat(f.target()).contains(database);
                    assertThat(f.tenants()).containsExactly("a3");
                    assertThat(f.message()).isNotBlank();
                });
                assertThat(result.succeeded()).isEqualTo(result.targets() - 1);
                assertThat(rows).hasSize(2 * (tenants.size() - 1))
                        .noneSatisfy(r -> assertThat(r.tenantId()).isEqualTo(a3.id()));
            } finally {
                s.execute("ALTER DATABASE " + Identifiers.quote(database) + " ALLOW_CONNECTIONS true");
            }
        }
    }

    @Test
    void a_query_that_fails_in_some_targets_only_reports_them_and_returns_the_rest() {
        Tenant alpha = tenants.get("alpha");
        List<AnalyticsRow> rows = Collections.synchronizedList(new ArrayList<>());
        AnalyticsResult result = strata.analytics().queryAllTenants("SELECT tenant_id, title, 1 / (CASE WHEN "
                + "current_database() = '" + alpha.placement().database() + "' THEN 0 ELSE 1 END) AS x FROM documents",
                rows::add);
        assertThat(result.failures()).extracting(AnalyticsFailure::code).containsOnly("22012");
        assertThat(result.failures()).extracting(AnalyticsFailure::target).allSatisfy(t ->
                assertThat(t).contains(alpha.placement().database()));
        assertThat(rows).extracting(AnalyticsRow::tenantSlug).contains("rho", "r1", "sigma", "s1", "a3")
                .doesNotContain("alpha", "a1", "a2");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "INSERT INTO documents (tenant_id, title) SELECT tenant_id, 'forged' FROM documents",
            "UPDATE documents SET title = 'changed'",
            "DELETE FROM documents",
            "MERGE INTO documents d USING documents s ON false WHEN NOT MATCHED THEN INSERT (tenant_id, title) VALUES (s.tenant_id, 'x')",
            "TRUNCATE documents",
            "DROP TABLE documents",
            "CREATE TABLE leak (x int)",
            "CREATE TEMP TABLE leak AS SELECT * FROM documents",
            "ALTER TABLE documents DISABLE ROW LEVEL SECURITY",
            "GRANT SELECT ON documents TO PUBLIC",
            "SET ROLE NONE",
            "RESET ROLE",
            "SET SESSION AUTHORIZATION DEFAULT",
            "COPY documents TO PROGRAM 'touch /tmp/strata-analytics-pwned'",
            "COPY (SELECT 1) TO '/tmp/strata-analytics-pwned'",
            "DO $$ BEGIN DELETE FROM documents; END $$",
            "CALL no_such_procedure()",
            "SELECT 1; DELETE FROM documents",
            "SELECT 1; COMMIT; DELETE FROM documents",
            "WITH gone AS (DELETE FROM documents RETURNING *) SELECT count(*) FROM gone",
            "WITH changed AS (UPDATE documents SET title = 'x' RETURNING *) SELECT count(*) FROM changed",
            "SELECT set_config('role', 'postgres', false)",
            "SELECT set_config('session_authorization', 'postgres', false)",
            "SELECT pg_read_file('/etc/passwd')",
            "SELECT lo_import('/etc/passwd')",
            "SELECT * FROM pg_authid",
            "SELECT nextval('no_such_sequence')",
            "EXPLAIN ANALYZE DELETE FROM documents",
            "PREPARE p AS DELETE FROM documents",
            "LISTEN x",
            "VACUUM documents",
            "LOCK documents",
            "SELECT * FROM strata_schema_history",
            "SELECT * FROM platform.tenants FOR UPDATE"
    })
    void writes_escalations_and_anything_but_one_query_are_refused_and_change_nothing(String sql) throws SQLException {
        Map<UUID, Integer> before = storedCounts();
        List<AnalyticsRow> rows = new ArrayList<>();
        boolean refused;
        try {
            AnalyticsResult result = strata.analytics().queryAllTenants(sql, rows::add);
            refused = !result.failures().isEmpty() && result.succeeded() == 0;
        } catch (StrataException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).isNotBlank();
            refused = true;
        }
        assertThat(refused).as("refused: %s", sql).isTrue();
        assertThat(rows).isEmpty();
        assertThat(storedCounts()).as("nothing changed").isEqualTo(before);
        assertThat(new java.io.File("/tmp/strata-analytics-pwned")).doesNotExist();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "-- only a comment", "SELEC tenant_id FROM documents", "SELECT * FROM",
            "SELECT no_such_column FROM documents", "SELECT * FROM no_such_table", "SELECT 'unterminated"})
    void bad_sql_gets_a_clear_error(String sql) {
        assertThatThrownBy(() -> strata.analytics().queryAllTenants(sql, row -> { }))
                .isInstanceOf(StrataException.class)
                .satisfies(e -> assertThat(((StrataException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageNotContaining("password");
    }

    @Test
    void options_out_of_range_are_refused() {
        assertThatThrownBy(() -> new AnalyticsOptions(0, Duration.ofSeconds(1))).isInstanceOf(StrataException.class)
                .hasMessageContaining("concurrency");
        assertThatThrownBy(() -> new AnalyticsOptions(AnalyticsOptions.MAX_CONCURRENCY + 1, Duration.ofSeconds(1)))
                .isInstanceOf(StrataException.class);
        assertThatThrownBy(() -> new AnalyticsOptions(2, Duration.ZERO)).isInstanceOf(StrataException.class)
                .hasMessageContaining("timeout");
    }

    @Test
    void a_statement_over_its_timeout_fails_in_its_targets() {
        AnalyticsResult result = strata.analytics().queryAllTenants("SELECT pg_sleep(5) FROM documents LIMIT 1",
                AnalyticsOptions.defaults().withStatementTimeout(Duration.ofMillis(200)).withConcurrency(8), row -> { });
        assertThat(result.failures()).isNotEmpty().extracting(AnalyticsFailure::code).containsOnly("57014");
    }

    @Test
    void the_reader_role_is_no_superuser_bypasses_nothing_and_belongs_to_no_role() throws SQLException {
        String role = strata.internals().names().t0ReaderRole();
        try (Connection admin = TestStrata.admin("postgres"); Statement s = admin.createStatement();
             ResultSet rs = s.executeQuery("SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolreplication, "
                     + "(SELECT count(*) FROM pg_auth_members m WHERE m.member = r.oid) FROM pg_roles r WHERE rolname = '"
                     + role + "'")) {
            assertThat(rs.next()).isTrue();
            for (int i = 1; i <= 5; i++) {
                assertThat(rs.getBoolean(i)).as("attribute %d", i).isFalse();
            }
            assertThat(rs.getLong(6)).as("memberships").isZero();
        }
    }

    @Test
    void the_policy_lets_the_reader_read_only_under_a_t0_context() throws SQLException {
        Tenant alpha = tenants.get("alpha");
        String database = alpha.placement().database();
        String role = strata.internals().names().t0ReaderRole();
        String password = T0Reader.password(strata.config().server(), strata.internals().names());
        try (Connection c = TestStrata.as(database, role, password); Statement s = c.createStatement()) {
            assertThat(count(s, "SELECT count(*) FROM app.documents")).as("no context").isZero();
            s.execute("SELECT set_config('app.tenant_id', '" + alpha.id() + "', false), set_config('app.tenant_tier', '1', false)");
            assertThat(count(s, "SELECT count(*) FROM app.documents")).as("a T1 context").isEqualTo(2);
            s.execute("SELECT set_config('app.tenant_tier', '0', false)");
            assertThat(count(s, "SELECT count(*) FROM app.documents")).as("the T0 context").isEqualTo(4);
            assertThatThrownBy(() -> s.execute("DELETE FROM app.documents")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("INSERT INTO app.documents (tenant_id, title) VALUES ('"
                    + alpha.id() + "', 'x')")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("SET ROLE " + Identifiers.quote(strata.config().server().user())))
                    .isInstanceOf(SQLException.class);
        }
        // the app role under a tier-0 context gets nothing of it: the policy is the reader's only
        UUID operator;
        try (Connection m = TestStrata.admin(strata.internals().names().managementDatabase()); Statement s = m.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM platform.tenants WHERE tier = 0")) {
            rs.next();
            operator = rs.getObject(1, UUID.class);
        }
        assertThat(operator).isNotNull();
        int seen = strata.inTenant(tenants.get("a1").id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("SELECT set_config('app.tenant_tier', '0', true)");
                return count(s, "SELECT count(*) FROM documents WHERE tenant_id <> '" + tenants.get("a1").id() + "'");
            }
        });
        assertThat(seen).isZero();
    }

    @Test
    void the_audit_passes_with_the_t0_reader_in_place() {
        assertThat(strata.audit().findings()).noneSatisfy(f -> assertThat(f.severity()).isEqualTo(AuditSeverity.VIOLATION));
    }

    @Test
    void a_consumer_that_throws_stops_the_run_and_its_exception_comes_back() {
        IllegalStateException boom = new IllegalStateException("stop");
        assertThatThrownBy(() -> strata.analytics().queryAllTenants("SELECT tenant_id FROM documents", row -> {
            throw boom;
        })).isSameAs(boom);
    }

    private static int count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Map<UUID, Integer> storedCounts() throws SQLException {
        Map<UUID, Integer> out = new HashMap<>();
        for (Tenant t : tenants.values()) {
            out.put(t.id(), Documents.stored(t).size());
        }
        return out;
    }
}
