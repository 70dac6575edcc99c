package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.routing.Route;
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
import java.util.UUID;

import static dev.strata.internal.move.CaptureFixture.allRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture inside a Neon T1's database, as Neon's owner role (no superuser: no replication
 * origin, no {@code session_replication_role}): the target records its applied position in its own
 * table in the same transaction as the changes, so a process that dies after the target committed
 * a batch but before the slot moved on, or in the middle of a catch-up, is resumed by a new
 * instance to exactly the source's rows; stopping the capture leaves nothing behind.
 */
class NeonCaptureResumeTest {
    static final String PLANE = "neon-cap";
    static final NeonLocal NEON = NeonPlanes.shared();

    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP)
            .withSetUp(s -> NeonPlanes.addProjectPlane(s, NEON, PLANE));

    @AfterEach
    void every_call_has_the_shapes_of_neons_api() {
        NeonPlanes.checkShapes(NEON);
    }

    @Test
    void a_crash_between_target_commit_and_slot_advance_is_resumed_exactly_from_the_targets_position_table() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("ncap-t1").withPlane(PLANE));
        NeonPlanes.enableLogicalReplication(NEON, strata.internals().neonPlacements().of(t1.id()).orElseThrow().projectId());
        Tenant mover = strata.tenants().create(NewTenant.t2("ncap-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant holder = strata.tenants().create(NewTenant.t2("ncap-holder", t1.slug()).withMode(IsolationMode.SCHEMA));
        Shop.seed(strata, mover.id(), "seed");
        CopyEndpoint source = endpointOf(strata, mover.id());
        CopyEndpoint target = endpointOf(strata, holder.id());
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("neon_crash");

        ChangeCapture capture = new LogicalChangeCapture();
        capture.requireCapturable(source, scope);
        capture.start(name, source, scope);
        capture.initialCopy(name, source, target, scope);
        try (Connection c = admin(target)) {
            assertThat(applied(c, name)).as("the copy's position, recorded with it").isNotNull();
            assertThat(CaptureArtefacts.usesOrigins(c)).as("the owner is no superuser: no replication origin").isFalse();
        }
        try (ShopWriter writer = ShopWriter.start(strata, mover.id(), "w")) {
            writer.awaitRounds(8);
        }

        ChangeCapture resumed = CaptureFixture.crashTwiceThenResume(name, source, target, scope, mover.id());

        resumed.stop(name, source, target);
        try (Connection c = admin(target)) {
            assertThat(applied(c, name)).isNull();
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT (SELECT count(*) FROM pg_replication_slots WHERE starts_with(slot_name, ?))
                         + (SELECT count(*) FROM pg_publication WHERE starts_with(pubname, ?))
                         + (SELECT count(*) FROM pg_namespace WHERE nspname = 'strata_capture')""")) {
                ps.setString(1, CaptureName.PREFIX + name);
                ps.setString(2, CaptureName.PREFIX + name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("slots, publications and the position table left").isZero();
                }
            }
        }
    }

    /** Where Strata keeps the tenant's rows: its T1's Neon database, reached at the T1's own endpoint. */
    private static CopyEndpoint endpointOf(Strata strata, UUID tenant) {
        Route route = strata.internals().router().route(tenant);
        String database = route.database().database();
        return new CopyEndpoint(strata.internals().neonPlane().of(PLANE, database), database, route.schema());
    }

    private static Connection admin(CopyEndpoint endpoint) throws SQLException {
        return endpoint.plane().openAdmin(endpoint.database());
    }

    /** The target's recorded position of the capture, {@code null} if none. */
    private static String applied(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('strata_capture.applied') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
                return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT lsn::text FROM strata_capture.applied WHERE capture = ?")) {
            ps.setString(1, CaptureName.of(name).origin());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
