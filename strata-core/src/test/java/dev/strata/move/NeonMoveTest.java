package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.routing.Route;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.neonlocal.NeonLocal;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.NeonPlanes;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.strata.IsolationMode.DATABASE;
import static dev.strata.IsolationMode.RLS;
import static dev.strata.IsolationMode.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moves inside a Neon T1's database (project placement, against neon-local): a T2 moves between rls
 * and schema mode there online, reached at the T1's own endpoint as Neon's owner role, which is no
 * superuser (the target records its applied position in a table, not a replication origin, and
 * takes the rows with foreign keys in force). A project without logical replication is refused
 * before anything is done, naming how to enable it, and the paths that Neon planes do not take
 * are refused, changing nothing. Every call to the stand-in has the shapes of Neon's API definition.
 */
class NeonMoveTest {
    static final String PLANE = "neon-mv";
    static final NeonLocal NEON = NeonPlanes.shared();

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP)
            .withSetUp(s -> NeonPlanes.addProjectPlane(s, NEON, PLANE));

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NEON);
    }

    @Test
    void a_t2_moves_from_rls_to_schema_and_back_inside_its_neon_t1s_database_online() throws Exception {
        Tenant t1 = neonT1("nm-home", true);
        Tenant moving = strata().tenants().create(NewTenant.t2("nm-mover", t1.slug()).withMode(RLS));
        Tenant neighbour = strata().tenants().create(NewTenant.t2("nm-neighbour", t1.slug()).withMode(RLS));
        Shop.seed(strata(), moving.id(), "moving");
        Shop.seed(strata(), neighbour.id(), "neighbour");

        moveUnderWriters(t1, moving, neighbour, SCHEMA);
        moveUnderWriters(t1, moving, neighbour, RLS);

        assertThat(strata().tenants().get(moving.id()).placement().schema()).isEqualTo(PhysicalNames.APP_SCHEMA);
        Shop.seed(strata(), moving.id(), "after both moves");
    }

    @Test
    void a_project_without_logical_replication_is_refused_naming_how_to_enable_it_and_nothing_changes() throws Exception {
        Tenant t1 = neonT1("nm-nolr", false);
        Tenant t2 = strata().tenants().create(NewTenant.t2("nm-nolr-t2", t1.slug()).withMode(RLS));
        Shop.seed(strata(), t2.id(), "stays");
        String project = strata().internals().neonPlacements().of(t1.id()).orElseThrow().projectId();
        Map<String, Long> before;
        try (Connection c = admin(t1)) {
            before = tableCounts(c, PhysicalNames.APP_SCHEMA, t2.id());
        }

        assertThatThrownBy(() -> strata().tenants().move(t2.slug(), MoveRequest.to(SCHEMA)))
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining(project).hasMessageContaining("enable_logical_replication")
                .hasMessageContaining("logical replication slot");

        Tenant after = strata().tenants().get(t2.id());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(after.placement()).isEqualTo(t2.placement());
        assertThat(strata().operations().list()).noneMatch(o -> o.kind() == OperationKind.MOVE && t2.id().equals(o.tenantId()));
        try (Connection c = admin(t1)) {
            assertThat(slotsAndPublications(c)).isEmpty();
            assertThat(tableCounts(c, PhysicalNames.APP_SCHEMA, t2.id())).as("its rows where they were").isEqualTo(before);
        }
    }

    @Test
    void paths_neon_planes_do_not_take_are_refused_and_change_nothing() {
        Tenant t1 = neonT1("nm-refused", true);
        Tenant t2 = strata().tenants().create(NewTenant.t2("nm-refused-t2", t1.slug()).withMode(RLS));
        Tenant local = strata().tenants().create(NewTenant.t1("nm-local").withMode(DATABASE));

        Tenant localRls = strata().tenants().create(NewTenant.t1("nm-local-rls").withMode(RLS));
        NeonPlanes.addProjectPlane(strata(), NEON, "neon-mv-other");

        assertRefused(t2, MoveRequest.to(DATABASE), "cannot have a database of its own on Neon plane");
        assertRefused(t2, MoveRequest.to(DATABASE).withPlane("default"), "moves only inside its T1's Neon database");
        assertRefused(t1, MoveRequest.to(RLS).withPlane("default"), "a T1 on a Neon plane is in database mode");
        assertRefused(localRls, MoveRequest.to(DATABASE).withPlane(PLANE), "a T1 on a Neon plane is in database mode");
        assertRefused(t1, MoveRequest.to(DATABASE).withPlane("neon-mv-other"), "moves between Neon planes are not supported");
        assertRefused(local, MoveRequest.to(SCHEMA).withPlane(PLANE), "a T1 on a Neon plane is in database mode");
    }

    private void assertRefused(Tenant tenant, MoveRequest request, String why) {
        Placement before = strata().tenants().get(tenant.id()).placement();
        assertThatThrownBy(() -> strata().tenants().move(tenant.slug(), request))
                .as("%s to %s", tenant.slug(), request.mode())
                .isInstanceOf(StrataException.class).hasFieldOrPropertyWithValue("code", ErrorCode.MOVE_REFUSED)
                .hasMessageContaining(why);
        Tenant after = strata().tenants().get(tenant.id());
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(after.placement()).isEqualTo(before);
    }

    /**
     * Moves the tenant to {@code to} while it and its neighbour write, then checks every table's rows
     * at the target, every acknowledged write once, the neighbour untouched and isolated, the
     * source's rows (and schema) gone, the routing at the target and no capture left behind.
     */
    private void moveUnderWriters(Tenant t1, Tenant moving, Tenant neighbour, IsolationMode to) throws Exception {
        Placement source = strata().tenants().get(moving.id()).placement();
        Map<String, Long> before;
        try (Connection c = admin(t1)) {
            before = tableCounts(c, source.schema(), moving.id());
        }
        assertThat(before.values()).allSatisfy(n -> assertThat(n).isPositive());
        OperationInfo move;
        MoveWorld.Writer movingWriter = new MoveWorld.Writer(strata(), moving);
        MoveWorld.Writer neighbourWriter = new MoveWorld.Writer(strata(), neighbour);
        try (movingWriter; neighbourWriter) {
            movingWriter.atLeast(10);
            neighbourWriter.atLeast(10);
            int writtenBefore = movingWriter.acknowledged.size();
            move = strata().tenants().move(moving.slug(), MoveRequest.to(to));
            movingWriter.atLeast(movingWriter.acknowledged.size() + 10);
            assertThat(movingWriter.acknowledged.size()).isGreaterThan(writtenBefore);
        }
        assertThat(move.state()).as("move %s: %s", move.id(), move.error()).isEqualTo(OperationState.SUCCEEDED);
        MoveWorld.assertWritersUnharmed(strata(), movingWriter, neighbourWriter);

        Tenant moved = strata().tenants().get(moving.id());
        Placement target = moved.placement();
        assertThat(moved.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(target.mode()).isEqualTo(to);
        assertThat(target.dataPlane()).isEqualTo(PLANE);
        assertThat(target.database()).as("it stays in its T1's Neon database").isEqualTo(source.database());
        assertThat(target.schema()).isEqualTo(to == SCHEMA ? PhysicalNames.tenantSchema(moving.id()) : PhysicalNames.APP_SCHEMA)
                .isNotEqualTo(source.schema());
        Route route = strata().internals().router().route(moving.id());
        assertThat(route.schema()).as("routed to the target").isEqualTo(target.schema());

        try (Connection c = admin(t1)) {
            Map<String, Long> after = tableCounts(c, target.schema(), moving.id());
            for (String table : List.of("orders", "order_lines", "events")) {
                assertThat(after.get(table)).as("rows of %s at the target", table).isEqualTo(before.get(table));
            }
            assertThat(after.get("customers")).as("customers: the copy and every write during the move")
                    .isEqualTo(before.get("customers") + movingWriter.acknowledged.size());
            assertThat(MoveWorld.rowsAt(c, source.schema(), moving.id())).as("rows left at the source").isZero();
            if (source.mode() == SCHEMA) {
                assertThat(schemaExists(c, source.schema())).as("the source schema").isFalse();
            }
            assertThat(slotsAndPublications(c)).as("capture left behind").isEmpty();
            assertThat(schemaExists(c, "strata_capture")).as("the applied-position table goes with its capture").isFalse();
        }
        assertIsolated(moving, neighbour);
        if (to == RLS) { // back in its T1's home schema (a schema-mode T2's rows are in a schema of its own)
            assertThat(t1Reads(t1, moving)).as("the T1 reads its RLS-mode T2's rows").isEqualTo(
                    before.get("customers") + movingWriter.acknowledged.size());
        }
    }

    /** Neither tenant reads or writes the other's rows. */
    private void assertIsolated(Tenant a, Tenant b) throws SQLException {
        for (Tenant[] pair : new Tenant[][] {{a, b}, {b, a}}) {
            UUID owner = pair[1].id();
            assertThat(customersSeenBy(pair[0], owner)).as("%s reads none of %s's rows", pair[0].slug(), pair[1].slug()).isZero();
            assertThatThrownBy(() -> strata().inTenant(pair[0].id(), scope -> Shop.customer(scope.connection(), owner,
                    "intruder", "intruder." + UUID.randomUUID() + "@example.test", "{}")))
                    .as("%s writes a row of %s", pair[0].slug(), pair[1].slug()).isInstanceOf(Exception.class);
        }
    }

    private long t1Reads(Tenant t1, Tenant t2) throws SQLException {
        return customersSeenBy(t1, t2.id());
    }

    private long customersSeenBy(Tenant reader, UUID owner) throws SQLException {
        return MoveWorld.customersSeenBy(strata(), reader, owner);
    }

    private Tenant neonT1(String slug, boolean logicalReplication) {
        Tenant t1 = strata().tenants().create(NewTenant.t1(slug).withPlane(PLANE));
        if (logicalReplication) {
            NeonPlanes.enableLogicalReplication(NEON, strata().internals().neonPlacements().of(t1.id()).orElseThrow().projectId());
        }
        return t1;
    }

    /** An administrator's connection (Neon's owner role) to the T1's Neon database, at its endpoint. */
    private Connection admin(Tenant t1) throws SQLException {
        String database = t1.placement().database();
        return strata().internals().neonPlane().of(PLANE, database).openAdmin(database);
    }

    private static Map<String, Long> tableCounts(Connection c, String schema, UUID tenant) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String table : MoveWorld.SHOP_TABLES) {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM \"" + schema + "\"." + table
                    + " WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    out.put(table, rs.getLong(1));
                }
            }
        }
        return out;
    }

    private static boolean schemaExists(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static List<String> slotsAndPublications(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 'slot ' || slot_name FROM pg_replication_slots
                 WHERE slot_name LIKE 'strata\\_mv\\_%' AND database = current_database()
                UNION ALL SELECT 'publication ' || pubname FROM pg_publication WHERE pubname LIKE 'strata\\_mv\\_%'""");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
