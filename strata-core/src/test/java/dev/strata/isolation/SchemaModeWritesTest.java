package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.sql.Identifiers;
import dev.strata.testing.Documents;
import dev.strata.testing.Documents.Doc;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema-mode tenant's tables ({@code t_<id>}) are writable only by the tenants placed in that
 * schema: the tenant itself and, for a schema-mode T1, its RLS-mode T2s. Every other tenant (its
 * T1, its siblings, the other T1 and its T2s, whether or not they share the database) is refused
 * every way of writing there, even with rows carrying its own {@code tenant_id}; the schema's own
 * tenants keep writing, and write nowhere else in their database (not into its shared {@code app}
 * tables either). On every layout of the isolation suite that has schema-mode tenants.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SchemaModeWritesTest {
    /** Refusals: row security (42501), no such schema or relation (3F000, 42P01) elsewhere, COPY under row security (0A000). */
    private static final Set<String> REFUSED = Set.of("42501", "3F000", "42P01", "0A000");

    private Strata strata;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    static List<Layout> layoutsWithSchemaModeTenants() {
        return Layout.all().stream().filter(l -> l.alpha() == IsolationMode.SCHEMA || l.beta() == IsolationMode.SCHEMA
                || l.alphaChildren().contains(IsolationMode.SCHEMA) || l.betaChildren().contains(IsolationMode.SCHEMA)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutsWithSchemaModeTenants")
    void no_tenant_writes_into_a_tenant_schema_it_is_not_placed_in_not_even_rows_of_its_own(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        SoftAssertions softly = new SoftAssertions();
        for (Map.Entry<Tenant, List<Tenant>> schema : tenantSchemas(t).entrySet()) {
            Tenant owner = schema.getKey();
            String table = Identifiers.qualified(owner.placement().schema(), "documents");
            List<Doc> before = Documents.allStored(owner.placement().database(), owner.placement().schema());
            UUID ownerRow = before.stream().filter(d -> d.tenantId().equals(owner.id())).findFirst().orElseThrow().id();
            for (Tenant attacker : t.all()) {
                if (schema.getValue().contains(attacker)) {
                    continue;
                }
                String pair = attacker.slug() + " → " + table + " of " + owner.slug();
                List<Attack> attacks = attacks(table, attacker.id(), owner.id(), ownerRow);
                if (!Topology.sameDatabase(attacker, owner)) {
                    // Another database has no such schema: one try shows it is out of reach.
                    softly.assertThat(attempt(attacker, attacks.get(1))).as(attacks.get(1).name + ": " + pair)
                            .isIn("3F000", "42P01");
                    continue;
                }
                for (Attack attack : attacks) {
                    softly.assertThat(attempt(attacker, attack)).as(attack.name + ": " + pair).isIn(REFUSED);
                }
                softly.assertThat(updated(attacker, "UPDATE " + table + " SET title = 'pwned', tenant_id = ?", attacker.id()))
                        .as("update every row: " + pair).isIn(Set.of("0", "3F000", "42P01"));
                softly.assertThat(updated(attacker, "DELETE FROM " + table + " WHERE tenant_id IS NOT NULL OR ? IS NULL",
                        attacker.id())).as("delete every row: " + pair).isIn(Set.of("0", "3F000", "42P01"));
                softly.assertThat(copyIn(attacker, table, attacker.id())).as("COPY FROM: " + pair).isIn(REFUSED);
                softly.assertThat(Documents.allStored(owner.placement().database(), owner.placement().schema()))
                        .as("rows of " + table + " after " + pair).containsExactlyInAnyOrderElementsOf(before);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutsWithSchemaModeTenants")
    void no_tenant_of_a_tenant_schema_writes_into_the_shared_tables_of_its_database(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        SoftAssertions softly = new SoftAssertions();
        String table = Identifiers.qualified("app", "documents");
        for (List<Tenant> writers : tenantSchemas(t).values()) {
            for (Tenant attacker : writers) {
                List<Doc> before = Documents.allStored(attacker.placement().database(), "app");
                String pair = attacker.slug() + " → " + table + " of " + attacker.placement().database();
                UUID anyRow = before.isEmpty() ? UUID.randomUUID() : before.get(0).id();
                for (Attack attack : attacks(table, attacker.id(), attacker.id(), anyRow)) {
                    if (attack.name.endsWith("(own id)") || attack.name.equals("TRUNCATE")) {
                        softly.assertThat(attempt(attacker, attack)).as(attack.name + ": " + pair).isIn(REFUSED);
                    }
                }
                softly.assertThat(copyIn(attacker, table, attacker.id())).as("COPY FROM: " + pair).isIn(REFUSED);
                softly.assertThat(Documents.allStored(attacker.placement().database(), "app"))
                        .as("rows of " + table + " after " + pair).containsExactlyInAnyOrderElementsOf(before);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutsWithSchemaModeTenants")
    void the_tenants_placed_in_a_tenant_schema_still_write_their_own_rows_there(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        for (List<Tenant> writers : tenantSchemas(t).values()) {
            for (Tenant writer : writers) {
                UUID id = Documents.insert(strata, writer.id(), writer.slug() + " extra");
                assertThat(updated(writer, "UPDATE documents SET title = title || ' (edited)' WHERE tenant_id = ? AND id = '"
                        + id + "'", writer.id())).as("update by " + writer.slug()).isEqualTo("1");
                assertThat(updated(writer, "DELETE FROM documents WHERE tenant_id = ? AND id = '" + id + "'", writer.id()))
                        .as("delete by " + writer.slug()).isEqualTo("1");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutsWithSchemaModeTenants")
    void a_tenant_cannot_move_its_rows_out_of_its_schema_to_another_tenant(Layout layout) throws SQLException {
        Topology t = Topology.of(strata, layout);
        for (Map.Entry<Tenant, List<Tenant>> schema : tenantSchemas(t).entrySet()) {
            Tenant owner = schema.getKey();
            for (Tenant other : t.all()) {
                if (other.id().equals(owner.id())) {
                    continue;
                }
                assertThat(updated(owner, "UPDATE documents SET tenant_id = ? WHERE true", other.id()))
                        .as("%s moving its rows to %s", owner.slug(), other.slug()).isEqualTo("42501");
            }
        }
    }

    /** Each schema-mode tenant with the tenants placed in its schema (itself first, then its RLS-mode T2s). */
    private static Map<Tenant, List<Tenant>> tenantSchemas(Topology t) {
        Map<Tenant, List<Tenant>> out = new LinkedHashMap<>();
        for (Tenant tenant : t.all()) {
            if (tenant.mode() == IsolationMode.SCHEMA) {
                List<Tenant> writers = new ArrayList<>();
                writers.add(tenant);
                writers.addAll(t.all().stream().filter(x -> !x.id().equals(tenant.id()) && Topology.sameDatabase(x, tenant)
                        && x.placement().schema().equals(tenant.placement().schema())).toList());
                out.put(tenant, writers);
            }
        }
        assertThat(out).as("schema-mode tenants of %s", t.layout).isNotEmpty();
        return out;
    }

    private record Attack(String name, String sql, List<Object> parameters) {
    }

    /** Every way of adding or changing rows with one statement, with the attacker's id and with the owner's. */
    private static List<Attack> attacks(String table, UUID attacker, UUID owner, UUID ownerRow) {
        List<Attack> out = new ArrayList<>();
        out.add(new Attack("TRUNCATE", "TRUNCATE " + table, List.of()));
        for (UUID as : List.of(attacker, owner)) {
            String whose = as.equals(attacker) ? " (own id)" : " (owner's id)";
            out.add(new Attack("INSERT" + whose, "INSERT INTO " + table + " (tenant_id, title) VALUES (?, 'forged')", List.of(as)));
            out.add(new Attack("INSERT ... SELECT" + whose, "INSERT INTO " + table
                    + " (tenant_id, title) SELECT ?, 'forged ' || g FROM generate_series(1, 3) g", List.of(as)));
            out.add(new Attack("INSERT ... ON CONFLICT DO NOTHING" + whose, "INSERT INTO " + table
                    + " (tenant_id, id, title) VALUES (?, ?, 'forged') ON CONFLICT DO NOTHING", List.of(as, ownerRow)));
            out.add(new Attack("INSERT ... ON CONFLICT DO UPDATE" + whose, "INSERT INTO " + table
                    + " (tenant_id, id, title) VALUES (?, ?, 'forged') ON CONFLICT (tenant_id, id) DO UPDATE SET title = 'pwned'",
                    List.of(as, ownerRow)));
            out.add(new Attack("MERGE ... INSERT" + whose, "MERGE INTO " + table + " d USING (SELECT ?::uuid AS tenant_id) s"
                    + " ON d.tenant_id = s.tenant_id AND false WHEN NOT MATCHED THEN INSERT (tenant_id, title)"
                    + " VALUES (s.tenant_id, 'merged')", List.of(as)));
            out.add(new Attack("MERGE ... UPDATE" + whose, "MERGE INTO " + table + " d USING (SELECT ?::uuid AS tenant_id, ?::uuid AS id) s"
                    + " ON d.tenant_id = s.tenant_id AND d.id = s.id WHEN MATCHED THEN UPDATE SET title = 'pwned'"
                    + " WHEN NOT MATCHED THEN INSERT (tenant_id, title) VALUES (s.tenant_id, 'merged')", List.of(as, ownerRow)));
            out.add(new Attack("CTE INSERT" + whose, "WITH w AS (INSERT INTO " + table
                    + " (tenant_id, title) VALUES (?, 'forged') RETURNING 1) SELECT count(*) FROM w", List.of(as)));
        }
        return out;
    }

    /** Runs one attack in the attacker's transaction: the SQLSTATE of its refusal, or "written". */
    private String attempt(Tenant attacker, Attack attack) {
        try {
            strata.useTenant(attacker.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(attack.sql)) {
                    for (int i = 0; i < attack.parameters.size(); i++) {
                        ps.setObject(i + 1, attack.parameters.get(i));
                    }
                    ps.execute();
                }
            });
            return "written";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** An UPDATE or DELETE in the tenant's transaction: the rows it changed, or the SQLSTATE of its refusal. */
    private String updated(Tenant tenant, String sql, UUID parameter) {
        try {
            int rows = strata.inTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                    ps.setObject(1, parameter);
                    return ps.executeUpdate();
                }
            });
            return String.valueOf(rows);
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** COPY ... FROM STDIN as the app role, after the context is in force: the SQLSTATE of its refusal, or "copied". */
    private String copyIn(Tenant attacker, String table, UUID as) {
        try {
            strata.useTenant(attacker.id(), scope -> {
                try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
                    rs.next();
                }
                PGConnection pg = scope.connection().unwrap(PGConnection.class);
                try {
                    pg.getCopyAPI().copyIn("COPY " + table + " (tenant_id, title) FROM STDIN", new StringReader(as + "\tcopied\n"));
                } catch (java.io.IOException e) {
                    throw new SQLException(e);
                }
            });
            return "copied";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }
}
