package dev.strata.isolation;

import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantScope;
import dev.strata.Tier;
import dev.strata.audit.AuditSeverity;
import dev.strata.testing.AppRelations;
import dev.strata.testing.AppRelations.Relation;
import dev.strata.testing.AppRelations.Stored;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The isolation suite, for any application schema: on every layout of isolation modes (T1 mode ×
 * T2 mode, and mixed layouts with T2s of all three modes under one T1), for every relation the
 * schema's migrations created — tables, partitioned tables and each of their partitions, views,
 * reference data — no tenant reads, updates, deletes or inserts another tenant's rows, except that
 * a T1 reads the rows of its own T2s where they share its database. The relations are read from
 * the catalog, so the suite covers whatever the migrations hold; the subclass says which schema
 * ({@link #data()}) and runs one Strata for the class ({@link #strata()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IsolationSuite {
    /** The refusals of a relation the attacker cannot reach at all: another schema, another database, no privilege. */
    static final Set<String> UNREACHABLE = Set.of("42P01", "3F000", "42501");
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    abstract Strata strata();

    abstract AppData data();

    static List<Layout> layouts() {
        return Layout.all();
    }

    /** The data plane T1 alpha and its T2s live on; {@code null} for the default plane (beta's always). */
    String alphaPlane() {
        return null;
    }

    Topology topology(Layout layout) {
        return Topology.of(strata(), layout, data(), alphaPlane());
    }

    /** The relations holding tenant rows (tables, partitions, views) of a tenant's schema. */
    static List<Relation> tenantRelations(Tenant tenant) {
        List<Relation> out = AppRelations.of(tenant).stream().filter(Relation::holdsTenantRows).toList();
        assertThat(out).as("relations of %s", tenant.placement().schema()).isNotEmpty();
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_tenant_table_holds_exactly_the_rows_each_tenant_wrote(Layout layout) throws SQLException {
        Topology t = topology(layout);
        for (Tenant tenant : t.all()) {
            Map<String, Integer> stored = new LinkedHashMap<>();
            for (Relation r : AppRelations.of(tenant)) {
                if (data().rowsPerTenant().containsKey(r.name())) {
                    stored.put(r.name(), AppRelations.stored(tenant, r).rows());
                }
            }
            assertThat(stored).as("rows stored for %s (%s)", tenant.slug(), tenant.mode().wireName())
                    .containsExactlyInAnyOrderEntriesOf(data().rowsPerTenant());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void every_t2_reads_exactly_its_own_rows_in_every_table_partition_and_view(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant t2 : t.t2s()) {
            for (Relation r : tenantRelations(t2)) {
                List<UUID> visible = strata().inTenant(t2.id(), scope -> AppRelations.visibleTenantIds(scope.connection(), r));
                Stored own = AppRelations.stored(t2, r);
                softly.assertThat(visible).as("rows of %s visible to %s (%s)", r, t2.slug(), t2.mode().wireName())
                        .hasSize(own.rows())
                        .allSatisfy(id -> assertThat(id).isEqualTo(t2.id()));
                if (r.kind() != AppRelations.Kind.PARTITION) {
                    softly.assertThat(own.rows()).as("rows of %s stored for %s", r, t2.slug()).isPositive();
                }
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void t1_reads_its_own_rows_and_those_of_its_t2s_in_its_database_never_another_t1s(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant t1 : List.of(t.alpha, t.beta)) {
            Set<String> schemas = new java.util.TreeSet<>();
            schemas.add(t1.placement().schema());
            Map<UUID, Tenant> readable = new LinkedHashMap<>();
            readable.put(t1.id(), t1);
            for (Tenant child : t.childrenOf(t1)) {
                if (Topology.sameDatabase(t1, child)) {
                    readable.put(child.id(), child);
                    schemas.add(child.placement().schema());
                }
            }
            for (String schema : schemas) {
                for (Relation r : AppRelations.of(t1.placement().database(), schema)) {
                    if (!r.holdsTenantRows()) {
                        continue;
                    }
                    List<UUID> visible = strata().inTenant(t1.id(), scope -> AppRelations.visibleTenantIds(scope.connection(), r));
                    List<UUID> expected = new ArrayList<>();
                    for (Tenant owner : readable.values()) {
                        if (owner.placement().schema().equals(schema)) {
                            int rows = AppRelations.stored(owner, r).rows();
                            for (int i = 0; i < rows; i++) {
                                expected.add(owner.id());
                            }
                        }
                    }
                    softly.assertThat(visible).as("tenant ids of the rows of %s visible to T1 %s", r, t1.slug())
                            .containsExactlyInAnyOrderElementsOf(expected);
                }
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void no_tenant_reads_updates_deletes_or_inserts_rows_the_hierarchy_does_not_give_it(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant victim : t.all()) {
            List<Relation> relations = tenantRelations(victim);
            Map<Relation, Stored> before = new LinkedHashMap<>();
            for (Relation r : relations) {
                before.put(r, AppRelations.stored(victim, r));
            }
            for (Tenant attacker : t.all()) {
                if (attacker.id().equals(victim.id())) {
                    continue;
                }
                boolean readable = Topology.mayRead(attacker, victim) && Topology.sameDatabase(attacker, victim);
                List<Relation> writable = relations.stream().filter(Relation::updatable).toList();
                List<Integer> reads = each(attacker, relations, victim.id(), r -> "SELECT count(*) FROM " + r.qualified() + " WHERE tenant_id = ?");
                List<Integer> updates = each(attacker, writable, victim.id(),
                        r -> "UPDATE " + r.qualified() + " SET tenant_id = tenant_id WHERE tenant_id = ?");
                List<Integer> deletes = each(attacker, writable, victim.id(), r -> "DELETE FROM " + r.qualified() + " WHERE tenant_id = ?");
                List<String> forged = forgeEach(attacker, writable, victim.id());
                String pair = attacker.slug() + " → " + victim.slug() + " in ";
                for (int i = 0; i < relations.size(); i++) {
                    Relation r = relations.get(i);
                    softly.assertThat(reads.get(i)).as("read " + pair + r).isEqualTo(readable ? before.get(r).rows() : 0);
                }
                for (int i = 0; i < writable.size(); i++) {
                    Relation r = writable.get(i);
                    softly.assertThat(updates.get(i)).as("update " + pair + r).isZero();
                    softly.assertThat(deletes.get(i)).as("delete " + pair + r).isZero();
                    softly.assertThat(forged.get(i)).as("insert a row for the victim " + pair + r).isIn(UNREACHABLE);
                }
            }
            for (Relation r : relations) {
                softly.assertThat(AppRelations.stored(victim, r)).as("rows of %s in %s after every attack", victim.slug(), r)
                        .isEqualTo(before.get(r));
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void no_tenant_hands_its_rows_to_another_or_writes_rows_for_another_in_its_own_schema(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant writer : t.all()) {
            Tenant other = t.all().stream().filter(x -> !x.id().equals(writer.id())).findFirst().orElseThrow();
            for (Relation r : tenantRelations(writer)) {
                if (!r.updatable() || AppRelations.stored(writer, r).rows() == 0) {
                    continue;
                }
                Stored before = AppRelations.stored(writer, r);
                String what = writer.slug() + " → " + other.slug() + " in " + r;
                softly.assertThat(refusal(writer, "UPDATE " + r.qualified() + " SET tenant_id = ? WHERE tenant_id = '"
                        + writer.id() + "'", other.id())).as("move own rows to another tenant " + what)
                        .isEqualTo(INSUFFICIENT_PRIVILEGE);
                softly.assertThat(forge(writer, r, other.id())).as("insert a copy of an own row for another tenant " + what)
                        .isEqualTo(INSUFFICIENT_PRIVILEGE);
                softly.assertThat(AppRelations.stored(writer, r)).as("own rows of %s in %s", writer.slug(), r).isEqualTo(before);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void reference_data_is_readable_by_every_tenant_and_writable_by_none(Layout layout) throws SQLException {
        Topology t = topology(layout);
        SoftAssertions softly = new SoftAssertions();
        for (Tenant tenant : t.all()) {
            for (Relation r : AppRelations.of(tenant)) {
                if (r.kind() != AppRelations.Kind.REFERENCE_DATA) {
                    continue;
                }
                int rows = adminCount(tenant, r);
                softly.assertThat(strata().<Integer, SQLException>inTenant(tenant.id(), scope -> countAll(scope, r)))
                        .as("%s reads %s", tenant.slug(), r).isEqualTo(rows).isPositive();
                String first = r.insertable().get(0);
                for (String write : List.of(
                        "INSERT INTO " + r.qualified() + " SELECT * FROM " + r.qualified() + " LIMIT 1",
                        "UPDATE " + r.qualified() + " SET " + quote(first) + " = " + quote(first),
                        "DELETE FROM " + r.qualified(),
                        "TRUNCATE " + r.qualified())) {
                    softly.assertThat(refusal(tenant, write, null)).as("%s: %s", tenant.slug(), write).isEqualTo(INSUFFICIENT_PRIVILEGE);
                }
                softly.assertThat(adminCount(tenant, r)).as("rows of %s", r).isEqualTo(rows);
            }
        }
        softly.assertAll();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void placements_follow_the_chosen_modes(Layout layout) {
        Topology t = topology(layout);
        for (Tenant tenant : t.all()) {
            Tenant fresh = strata().tenants().get(tenant.id());
            assertThat(fresh.status().wireName()).isEqualTo("active");
            switch (fresh.mode()) {
                case DATABASE -> assertThat(fresh.placement().database())
                        .isEqualTo(strata().config().namespace() + "_t_" + tenant.id().toString().replace("-", ""));
                case SCHEMA -> assertThat(fresh.placement().schema()).isEqualTo("t_" + tenant.id().toString().replace("-", ""));
                case RLS -> {
                    if (fresh.tier() == Tier.T2) {
                        Tenant parent = strata().tenants().get(fresh.parentId());
                        assertThat(fresh.placement().database()).isEqualTo(parent.placement().database());
                        assertThat(fresh.placement().schema()).isEqualTo(parent.placement().schema());
                    } else {
                        assertThat(fresh.placement().database()).isEqualTo(strata().config().namespace() + "_shared_rls");
                    }
                }
            }
            if (fresh.tier() == Tier.T2 && fresh.mode() != IsolationMode.DATABASE) {
                Tenant parent = strata().tenants().get(fresh.parentId());
                assertThat(fresh.placement().database()).as("a T2 not in database mode lives in its T1's database")
                        .isEqualTo(parent.placement().database());
            }
        }
    }

    @Test
    void the_audit_finds_no_violation_with_every_layout_in_place() {
        layouts().forEach(this::topology);
        var report = strata().audit();
        assertThat(report.findings()).filteredOn(f -> f.severity() == AuditSeverity.VIOLATION).isEmpty();
        assertThat(report.passed()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    static String quote(String identifier) {
        return dev.strata.internal.sql.Identifiers.quote(identifier);
    }

    private static int adminCount(Tenant tenant, Relation r) throws SQLException {
        try (Statement s = dev.strata.testing.AdminConnections.of(tenant.placement().database()).createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + r.qualified())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static int countAll(TenantScope scope, Relation r) throws SQLException {
        try (Statement s = scope.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + r.qualified())) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A count read in the attacker's transaction; 0 when the relation is not even reachable there. */
    int count(Tenant attacker, String sql, UUID victim) throws SQLException {
        return run(attacker, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                ps.setObject(1, victim);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        });
    }

    int update(Tenant attacker, String sql, UUID victim) throws SQLException {
        return run(attacker, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                ps.setObject(1, victim);
                return ps.executeUpdate();
            }
        });
    }

    /**
     * Runs one statement per relation (the victim's id bound to each) in one transaction of the
     * attacker and returns each count (rows read or changed); if any statement is refused, runs
     * each in a transaction of its own instead, a relation the attacker cannot reach counting 0.
     */
    List<Integer> each(Tenant attacker, List<Relation> relations, UUID victim,
                       java.util.function.Function<Relation, String> sql) throws SQLException {
        try {
            return strata().inTenant(attacker.id(), scope -> {
                List<Integer> out = new ArrayList<>();
                for (Relation r : relations) {
                    String statement = sql.apply(r);
                    try (PreparedStatement ps = scope.connection().prepareStatement(statement)) {
                        ps.setObject(1, victim);
                        if (statement.startsWith("SELECT")) {
                            try (ResultSet rs = ps.executeQuery()) {
                                rs.next();
                                out.add(rs.getInt(1));
                            }
                        } else {
                            out.add(ps.executeUpdate());
                        }
                    }
                }
                return out;
            });
        } catch (SQLException refused) {
            List<Integer> out = new ArrayList<>();
            for (Relation r : relations) {
                String statement = sql.apply(r);
                out.add(statement.startsWith("SELECT") ? count(attacker, statement, victim) : update(attacker, statement, victim));
            }
            return out;
        }
    }

    /**
     * {@link #forge} for each relation, in one transaction of the writer with a savepoint around
     * each attempt, rolled back at the end whatever happened.
     */
    List<String> forgeEach(Tenant writer, List<Relation> relations, UUID victim) throws SQLException {
        return strata().inTenant(writer.id(), scope -> {
            java.sql.Connection c = scope.connection();
            List<String> out = new ArrayList<>();
            try {
                for (Relation r : relations) {
                    java.sql.Savepoint before = c.setSavepoint();
                    try {
                        String state = "inserted";
                        if (executeForged(c, copyOfOwnRowSql(writer, r), victim) == 0) {
                            executeForged(c, "INSERT INTO " + r.qualified() + " (tenant_id) VALUES (?)", victim);
                        }
                        out.add(state);
                    } catch (SQLException e) {
                        out.add(e.getSQLState());
                    }
                    c.rollback(before);
                }
            } finally {
                c.rollback();
            }
            return out;
        });
    }

    private static int executeForged(java.sql.Connection c, String sql, UUID victim) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, victim);
            return ps.executeUpdate();
        }
    }

    private static String copyOfOwnRowSql(Tenant writer, Relation r) {
        String columns = r.insertable().stream().map(IsolationSuite::quote).collect(Collectors.joining(", "));
        return "INSERT INTO " + r.qualified() + " (tenant_id" + (columns.isEmpty() ? "" : ", " + columns)
                + ") SELECT ?::uuid" + (columns.isEmpty() ? "" : ", " + columns) + " FROM " + r.qualified()
                + " WHERE tenant_id = '" + writer.id() + "' LIMIT 1";
    }

    /**
     * Inserts, as {@code writer}, a copy of one of the writer's own rows of the relation (when it
     * can read one there) with {@code victim} as tenant_id, else a row of the victim's own; returns
     * the SQLSTATE of the refusal, or "inserted".
     */
    String forge(Tenant writer, Relation r, UUID victim) {
        String sql = copyOfOwnRowSql(writer, r);
        try {
            int inserted = strata().inTenant(writer.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                    ps.setObject(1, victim);
                    return ps.executeUpdate();
                }
            });
            if (inserted == 0) {
                // The writer has no row of its own there to copy (another schema): insert the victim's id with defaults.
                return refusal(writer, "INSERT INTO " + r.qualified() + " (tenant_id) VALUES (?)", victim);
            }
            return "inserted";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** Runs a statement as the tenant and rolls it back; the SQLSTATE of its refusal, or "succeeded". */
    String refusal(Tenant tenant, String sql, UUID parameter) {
        try {
            strata().useTenant(tenant.id(), scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(sql)) {
                    if (parameter != null) {
                        ps.setObject(1, parameter);
                    }
                    ps.execute();
                } finally {
                    scope.connection().rollback();
                }
            });
            return "succeeded";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @FunctionalInterface
    interface IntWork {
        int run(TenantScope scope) throws SQLException;
    }

    int run(Tenant attacker, IntWork work) throws SQLException {
        try {
            return strata().inTenant(attacker.id(), work::run);
        } catch (SQLException e) {
            if (UNREACHABLE.contains(e.getSQLState()) && !INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                return 0;
            }
            throw e;
        }
    }

    static Set<UUID> ids(List<Tenant> tenants) {
        return tenants.stream().map(Tenant::id).collect(Collectors.toCollection(HashSet::new));
    }
}
