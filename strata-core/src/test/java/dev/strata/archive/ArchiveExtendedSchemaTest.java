package dev.strata.archive;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.strata.IsolationMode.DATABASE;
import static dev.strata.IsolationMode.RLS;
import static dev.strata.IsolationMode.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives of a richer schema than Strata's own {@code documents}: this class adds tenant tables
 * to its namespace's template database before any tenant exists, so databases made from the
 * template (database-mode tenants, the shared RLS database) have them, while schema-mode schemas
 * (built by Strata's migrations) do not. {@code comments} has a nullable column of nearly every
 * kind and a foreign key to {@code documents} although it sorts before it by name;
 * {@code stamps} has a trigger that changes rows as they are inserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveExtendedSchemaTest {
    private static final String EXTRA_TABLES = """
            CREATE TABLE app.comments (
                tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
                id          uuid NOT NULL,
                document_id uuid NOT NULL,
                author      text,
                score       numeric,
                ratio       double precision,
                tags        text[],
                payload     jsonb,
                attachment  bytea,
                posted_at   timestamptz,
                due         date,
                wait        interval,
                flag        boolean,
                PRIMARY KEY (tenant_id, id),
                FOREIGN KEY (tenant_id, document_id) REFERENCES app.documents (tenant_id, id)
            );
            CREATE TABLE app.stamps (
                tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
                label       text NOT NULL,
                stamped_at  timestamptz,
                PRIMARY KEY (tenant_id, label)
            );
            CREATE FUNCTION app.restamp() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN NEW.stamped_at := clock_timestamp(); RETURN NEW; END $$;
            CREATE TRIGGER restamp BEFORE INSERT ON app.stamps FOR EACH ROW EXECUTE FUNCTION app.restamp();
            """;
    private static final String POLICIES = """
            ALTER TABLE app.%1$s ENABLE ROW LEVEL SECURITY;
            ALTER TABLE app.%1$s FORCE ROW LEVEL SECURITY;
            CREATE POLICY tenant_read ON app.%1$s FOR SELECT
                USING (tenant_id = ANY ((SELECT platform.visible_tenant_ids())::uuid[]));
            CREATE POLICY tenant_insert ON app.%1$s FOR INSERT WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()));
            CREATE POLICY tenant_update ON app.%1$s FOR UPDATE USING (tenant_id = (SELECT platform.current_tenant_id()))
                WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()));
            CREATE POLICY tenant_delete ON app.%1$s FOR DELETE USING (tenant_id = (SELECT platform.current_tenant_id()));
            """;
    private static final String[] RATIOS = {"NaN", "Infinity", "-Infinity", "-0", "0.1", "1e-300", "1.7976931348623157e308", null};
    private static final String[] TAGS = {"{}", "{a,\"b\\tc\",NULL,\"\\\"q\\\"\"}", "{\"new\\nline\",ü}", null};
    private static final String[] PAYLOADS = {"{\"k\": [1, \"x\\ny\", null, 1.50]}", "[]", "\"\\\\\"", "null", null};
    private static final String[] DATES = {"0001-01-01", "9999-12-31", "infinity", "2024-02-29", null};
    private static final String[] WAITS = {"1 year 2 mons -3 days 04:05:06.789", "0", "-00:00:00.000001", null};

    private Strata strata;
    private Tenant home;

    @BeforeAll
    void start() throws SQLException {
        strata = TestStrata.start();
        String template = strata.config().namespace() + "_template";
        try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE \"" + template + "\" WITH ALLOW_CONNECTIONS true");
        }
        try (Connection c = TestStrata.admin(template); Statement s = c.createStatement()) {
            s.execute(EXTRA_TABLES);
            s.execute(POLICIES.formatted("comments"));
            s.execute(POLICIES.formatted("stamps"));
        }
        try (Connection c = TestStrata.admin("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE \"" + template + "\" WITH ALLOW_CONNECTIONS false");
        }
        home = strata.tenants().create(NewTenant.t1("home"));
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    Stream<Arguments> modePairs() {
        return Stream.of(Arguments.of(1, RLS, DATABASE), Arguments.of(1, DATABASE, RLS),
                Arguments.of(2, DATABASE, RLS), Arguments.of(2, RLS, DATABASE), Arguments.of(2, RLS, RLS));
    }

    @ParameterizedTest(name = "T{0} {1} -> {2}")
    @MethodSource("modePairs")
    void nulls_and_every_column_kind_survive_a_round_trip_in_foreign_key_order(int tier, IsolationMode from, IsolationMode to)
            throws SQLException {
        String suffix = "t" + tier + "-" + from.wireName() + "-" + to.wireName();
        NewTenant request = tier == 1 ? NewTenant.t1("x-" + suffix) : NewTenant.t2("x-" + suffix, "home");
        Tenant source = strata.tenants().create(request.withMode(from));
        SampleDocuments.insert(strata, source.id(), 120, suffix.hashCode());
        insertComments(source.id(), 400, suffix.hashCode());

        byte[] archive = ArchiveBytes.export(strata, source.slug());
        ImportResult result = ArchiveBytes.importBytes(strata, archive, ImportOptions.inMode(to).withSlug("y-" + suffix));

        assertThat(result.manifest().tables()).extracting(TableSummary::name)
                .as("referenced tables first").containsExactly("documents", "comments", "stamps");
        assertThat(result.manifest().tables().get(1).rows()).isEqualTo(400);
        List<String> restored = comments(result.tenant().id());
        assertThat(restored).hasSize(400).containsExactlyElementsOf(comments(source.id()));
        assertThat(restored).anyMatch(row -> row.contains("<null>")).anyMatch(row -> row.contains("NaN"));
        assertThat(SampleDocuments.read(strata, result.tenant().id())).isEqualTo(SampleDocuments.read(strata, source.id()));
    }

    @Test
    void a_restore_whose_rows_differ_from_the_archive_is_rolled_back() throws SQLException {
        Tenant source = strata.tenants().create(NewTenant.t2("stamped", "home"));
        strata.useTenant(source.id(), scope -> {
            try (Statement s = scope.connection().createStatement()) {
                s.execute("INSERT INTO stamps (tenant_id, label) VALUES ('" + scope.tenantId() + "', 'Zeta'), ('"
                        + scope.tenantId() + "', 'alpha'), ('" + scope.tenantId() + "', 'Écu')");
            }
        });
        byte[] archive = ArchiveBytes.export(strata, "stamped");
        ServerState before = ServerState.of(strata);

        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, archive, ImportOptions.inMode(DATABASE).withSlug("restamped")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ARCHIVE_CORRUPT);
                    assertThat(e.getMessage()).contains("Table 'stamps' restored as 3 rows", "rolled back");
                });
        assertThat(ServerState.of(strata)).isEqualTo(before);
    }

    @Test
    void a_target_schema_without_an_archived_table_is_refused_and_rolled_back() throws SQLException {
        Tenant source = strata.tenants().create(NewTenant.t2("rich", "home"));
        SampleDocuments.insert(strata, source.id(), 3, 1);
        byte[] archive = ArchiveBytes.export(strata, "rich");
        ServerState before = ServerState.of(strata);

        // The parent's schema has the table, so only the new schema-mode schema shows the gap.
        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, archive, ImportOptions.inMode(SCHEMA).withSlug("poor")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("table 'comments'", "/t_");
                });
        assertThat(ServerState.of(strata)).isEqualTo(before);
    }

    private void insertComments(UUID tenant, int count, long seed) throws SQLException {
        List<UUID> documents = strata.inTenant(tenant, scope -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT id FROM documents WHERE tenant_id = ?")) {
                ps.setObject(1, scope.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
        Random random = new Random(seed);
        strata.useTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("""
                    INSERT INTO comments (tenant_id, id, document_id, author, score, ratio, tags, payload, attachment,
                                          posted_at, due, wait, flag)
                    VALUES (?, ?, ?, ?, ?::numeric, ?::float8, ?::text[], ?::jsonb, ?, ?::timestamptz, ?::date, ?::interval, ?::boolean)""")) {
                for (int i = 0; i < count; i++) {
                    ps.setObject(1, scope.tenantId());
                    ps.setObject(2, UUID.randomUUID());
                    ps.setObject(3, documents.get(random.nextInt(documents.size())));
                    ps.setString(4, i % 3 == 0 ? null : "author\t" + i + (i % 5 == 0 ? "\\N" : "") + (i % 7 == 0 ? "\r\n" : ""));
                    ps.setString(5, i % 4 == 0 ? null : (i % 2 == 0 ? "-" : "") + "123456789012345678901234567890." + i);
                    ps.setString(6, RATIOS[i % RATIOS.length]);
                    ps.setString(7, TAGS[i % TAGS.length]);
                    ps.setString(8, PAYLOADS[i % PAYLOADS.length]);
                    byte[] bytes = new byte[i % 6 == 0 ? 0 : 1 + random.nextInt(300)];
                    random.nextBytes(bytes);
                    ps.setBytes(9, i % 11 == 0 ? null : bytes);
                    ps.setString(10, i % 9 == 0 ? null : "2001-02-03 04:05:06." + (100000 + i) + "+05:30");
                    ps.setString(11, DATES[i % DATES.length]);
                    ps.setString(12, WAITS[i % WAITS.length]);
                    ps.setString(13, i % 3 == 1 ? null : Boolean.toString(i % 2 == 0));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    private List<String> comments(UUID tenant) throws SQLException {
        return strata.inTenant(tenant, scope -> {
            List<String> rows = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement("""
                    SELECT id, document_id, author, score, ratio, tags, payload, encode(attachment, 'hex'), posted_at,
                           due, wait, flag
                      FROM comments WHERE tenant_id = ? ORDER BY id""")) {
                ps.setObject(1, scope.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= 12; i++) {
                            String value = rs.getString(i);
                            row.append(value == null ? "<null>" : value).append('|');
                        }
                        rows.add(row.toString());
                    }
                }
            }
            return rows;
        });
    }
}
