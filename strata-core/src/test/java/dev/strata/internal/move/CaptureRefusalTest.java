package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.sql.DataPlane;
import dev.strata.testing.SharedPostgres;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the capture refuses, each with {@code MOVE_REFUSED} (or {@code INVALID_ARGUMENT} for a bad
 * name) naming the table and the fix, and with nothing created: every way a table can lack
 * {@code tenant_id} in its replica identity (FULL, NOTHING, no key, a key or identity index
 * without it, a partition weaker than its root), a table without tenant_id, a view, a missing
 * table or schema, a target that is the source, a copy or catch-up before start, and capture
 * names that are not {@code [a-z0-9_]{1,40}}. Runs on plain schemas of the shared server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaptureRefusalTest {
    private static final String DATABASE = "postgres";
    private final String schema = "capref_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final ChangeCapture capture = new LogicalChangeCapture();
    private CopyEndpoint source;

    @BeforeAll
    void tables() throws SQLException {
        source = new CopyEndpoint(new DataPlane(DataPlane.DEFAULT_KEY, SharedPostgres.server()), DATABASE, schema);
        execute("CREATE SCHEMA " + schema,
                "SET search_path = " + schema,
                "CREATE TABLE good_pk (tenant_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id))",
                "CREATE TABLE good_index (tenant_id uuid NOT NULL, id int NOT NULL, note text)",
                "CREATE UNIQUE INDEX good_index_key ON good_index (id, tenant_id)",
                "ALTER TABLE good_index REPLICA IDENTITY USING INDEX good_index_key",
                "CREATE TABLE full_identity (tenant_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE full_identity REPLICA IDENTITY FULL",
                "CREATE TABLE nothing_identity (tenant_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id))",
                "ALTER TABLE nothing_identity REPLICA IDENTITY NOTHING",
                "CREATE TABLE no_key (tenant_id uuid NOT NULL, id int NOT NULL)",
                "CREATE TABLE key_without_tenant (tenant_id uuid NOT NULL, id int PRIMARY KEY)",
                "CREATE TABLE index_without_tenant (tenant_id uuid NOT NULL, id int NOT NULL, PRIMARY KEY (tenant_id, id))",
                "CREATE UNIQUE INDEX index_without_tenant_id ON index_without_tenant (id)",
                "ALTER TABLE index_without_tenant REPLICA IDENTITY USING INDEX index_without_tenant_id",
                "CREATE TABLE no_tenant_column (id int PRIMARY KEY)",
                "CREATE TABLE parted (tenant_id uuid NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, at)) PARTITION BY RANGE (at)",
                "CREATE TABLE parted_2025 PARTITION OF parted FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
                "CREATE TABLE parted_weak PARTITION OF parted DEFAULT",
                "ALTER TABLE parted_weak REPLICA IDENTITY FULL",
                "CREATE VIEW a_view AS SELECT * FROM good_pk");
    }

    @AfterAll
    void drop() throws SQLException {
        execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @Test
    void tables_with_tenant_id_in_a_primary_key_or_identity_index_are_capturable() {
        capture.requireCapturable(source, scope("good_pk", "good_index"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"full_identity", "nothing_identity", "no_key", "key_without_tenant", "index_without_tenant"})
    void a_table_without_tenant_id_in_its_replica_identity_is_refused_with_the_fix(String table) throws SQLException {
        assertRefused(scope("good_pk", table), schema + "." + table, "REPLICA IDENTITY USING INDEX");
    }

    @Test
    void a_partition_weaker_than_its_root_is_refused_by_name() throws SQLException {
        assertRefused(scope("parted"), "parted_weak", "REPLICA IDENTITY FULL");
    }

    @Test
    void a_table_without_tenant_id_a_view_and_a_missing_table_are_refused() throws SQLException {
        assertRefused(scope("no_tenant_column"), schema + ".no_tenant_column", "no tenant_id column");
        assertRefused(scope("a_view"), schema + ".a_view", "not a table");
        assertRefused(scope("missing"), schema + ".missing", "does not exist");
    }

    @Test
    void a_missing_schema_is_refused() throws SQLException {
        CopyEndpoint nowhere = new CopyEndpoint(source.plane(), DATABASE, schema + "_missing");
        List<String> before = replicationObjects();
        assertThatThrownBy(() -> capture.requireCapturable(nowhere, scope("good_pk")))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MOVE_REFUSED))
                .hasMessageContaining(schema + "_missing");
        assertThat(replicationObjects()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "with-dash", "semi;colon", "quote'd", "a b", "x12345678901234567890123456789012345678901"})
    void capture_names_outside_a_z_0_9_underscore_up_to_40_are_refused_before_anything_is_created(String name)
            throws SQLException {
        List<String> before = replicationObjects();
        assertThatThrownBy(() -> capture.start(name, source, scope("good_pk")))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
                .hasMessageContaining("a-z, 0-9 and _");
        assertThatThrownBy(() -> capture.stop(name, source)).isInstanceOf(StrataException.class);
        assertThat(replicationObjects()).isEqualTo(before);
    }

    @Test
    void copying_to_the_source_itself_is_refused() throws SQLException {
        List<String> before = replicationObjects();
        assertThatThrownBy(() -> capture.initialCopy("self", source, source, scope("good_pk")))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MOVE_REFUSED))
                .hasMessageContaining("same schema");
        assertThat(replicationObjects()).isEqualTo(before);
    }

    @Test
    void copy_and_catch_up_before_start_are_refused_and_create_nothing() throws SQLException {
        CopyEndpoint target = new CopyEndpoint(source.plane(), DATABASE, schema + "_target");
        List<String> before = replicationObjects();
        assertThatThrownBy(() -> capture.initialCopy("never_started", source, target, scope("good_pk")))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE))
                .hasMessageContaining("start the capture first");
        assertThatThrownBy(() -> capture.catchUp("never_started", source, target, scope("good_pk"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_STATE));
        assertThat(replicationObjects()).isEqualTo(before);
    }

    private void assertRefused(CopyScope scope, String named, String fix) throws SQLException {
        List<String> before = replicationObjects();
        assertThatThrownBy(() -> capture.requireCapturable(source, scope))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MOVE_REFUSED))
                .hasMessageContaining(named)
                .hasMessageContaining(fix);
        assertThat(replicationObjects()).isEqualTo(before);
    }

    private static CopyScope scope(String... tables) {
        return new CopyScope(List.of(tables), List.of(UUID.randomUUID()));
    }

    /** Every slot, publication and origin of the server (this database's publications). */
    private static List<String> replicationObjects() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT 'slot ' || slot_name FROM pg_replication_slots
                     UNION ALL SELECT 'publication ' || pubname FROM pg_publication
                     UNION ALL SELECT 'origin ' || roname FROM pg_replication_origin ORDER BY 1""")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static void execute(String... statements) throws SQLException {
        try (Connection c = TestStrata.admin(DATABASE); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }
}
