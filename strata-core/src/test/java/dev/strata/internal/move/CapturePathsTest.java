package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AdminConnections;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static dev.strata.internal.move.CaptureFixture.allRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture carries a tenant's rows exactly between every kind of place, on one server: RLS rows
 * of a T2 to a schema of the same database and to another database, a tenant schema to a database,
 * and a whole T1 database (the T1 and its RLS T2s) to another database; while the moving tenant
 * and a neighbour in the same tables keep writing. Afterwards the target holds the source's rows
 * exactly (verify, and row by row), no row of the neighbour, sequences ahead of every moved id,
 * and nothing replication-related is left.
 */
class CapturePathsTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private final ChangeCapture capture = new LogicalChangeCapture();

    @Test
    void rls_t2_moves_to_a_schema_of_the_same_database_while_it_and_its_neighbour_write() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-a").withMode(IsolationMode.DATABASE));
        Tenant mover = strata.tenants().create(NewTenant.t2("paths-a-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("paths-a-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        Shop.seed(strata, mover.id(), "mover");
        Shop.seed(strata, neighbour.id(), "neighbour");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "paths-a-holder", IsolationMode.SCHEMA);
        assertThat(target.database()).isEqualTo(source.database());

        moveUnderWriters(strata, source, target, List.of(mover.id()), neighbour.id());
    }

    @Test
    void rls_t2_moves_to_another_database_while_it_and_its_neighbour_write() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-b").withMode(IsolationMode.RLS));
        Tenant mover = strata.tenants().create(NewTenant.t2("paths-b-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("paths-b-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        Shop.seed(strata, mover.id(), "mover");
        Shop.seed(strata, neighbour.id(), "neighbour");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "paths-b-holder", IsolationMode.DATABASE);
        assertThat(target.database()).isNotEqualTo(source.database());

        moveUnderWriters(strata, source, target, List.of(mover.id()), neighbour.id());
    }

    @Test
    void tenant_schema_moves_to_a_database_while_it_writes() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-c").withMode(IsolationMode.SCHEMA));
        Tenant mover = strata.tenants().create(NewTenant.t2("paths-c-mover", t1.slug()).withMode(IsolationMode.SCHEMA));
        Shop.seed(strata, mover.id(), "mover");
        Shop.seed(strata, t1.id(), "t1");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        assertThat(source.schema()).startsWith("t_");
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "paths-c-holder", IsolationMode.DATABASE);

        moveUnderWriters(strata, source, target, List.of(mover.id()), t1.id());
    }

    @Test
    void a_whole_t1_database_with_its_rls_t2s_moves_to_another_database() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-d").withMode(IsolationMode.DATABASE));
        Tenant kid1 = strata.tenants().create(NewTenant.t2("paths-d-kid1", t1.slug()).withMode(IsolationMode.RLS));
        Tenant kid2 = strata.tenants().create(NewTenant.t2("paths-d-kid2", t1.slug()).withMode(IsolationMode.RLS));
        for (Tenant t : List.of(t1, kid1, kid2)) {
            Shop.seed(strata, t.id(), t.slug());
        }
        Tenant other = strata.tenants().create(NewTenant.t1("paths-d-other").withMode(IsolationMode.DATABASE));
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        assertThat(CaptureFixture.endpointOf(strata, kid1.id())).isEqualTo(source);
        CopyEndpoint target = CaptureFixture.holder(strata, other.slug(), "paths-d-holder", IsolationMode.DATABASE);
        List<UUID> moving = List.of(t1.id(), kid1.id(), kid2.id());

        try (ShopWriter w1 = ShopWriter.start(strata, t1.id(), "t1"); ShopWriter w2 = ShopWriter.start(strata, kid2.id(), "kid2")) {
            String name = CaptureFixture.captureName("whole");
            CopyScope scope = new CopyScope(CaptureFixture.SHOP_TABLES, moving);
            capture.requireCapturable(source, scope);
            capture.start(name, source, scope);
            w1.awaitRounds(3);
            assertThat(capture.initialCopy(name, source, target, scope)).isGreaterThanOrEqualTo(30);
            w2.awaitRounds(3);
            capture.catchUp(name, source, target, scope, Duration.ofSeconds(5));
            w1.close();
            w2.close();
            finish(name, source, target, scope);
        }
        for (UUID tenant : moving) {
            assertThat(allRows(target, tenant)).isEqualTo(allRows(source, tenant));
        }
        assertThat(CaptureFixture.foreignRows(target, moving)).isZero();
    }

    @Test
    void a_second_initial_copy_starts_clean_and_leaves_no_duplicate() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-e").withMode(IsolationMode.RLS));
        Shop.seed(strata, t1.id(), "e");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "paths-e-holder", IsolationMode.SCHEMA);
        CopyScope scope = CaptureFixture.scope(t1.id());
        String name = CaptureFixture.captureName("twice");
        capture.start(name, source, scope);
        assertThat(capture.initialCopy(name, source, target, scope)).isEqualTo(10);
        Shop.seed(strata, t1.id(), "e2");
        capture.catchUp(name, source, target, scope, Duration.ofSeconds(10));
        Shop.seed(strata, t1.id(), "e3");

        assertThat(capture.initialCopy(name, source, target, scope)).isEqualTo(30);
        Shop.seed(strata, t1.id(), "e4");
        finish(name, source, target, scope);
        assertThat(CaptureFixture.rows(target, "order_lines", t1.id())).hasSize(12).doesNotHaveDuplicates();
        assertThat(allRows(target, t1.id())).isEqualTo(allRows(source, t1.id()));
    }

    @Test
    void stop_drops_a_slot_another_session_holds_and_may_be_repeated() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("paths-f").withMode(IsolationMode.RLS));
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        CopyScope scope = CaptureFixture.scope(t1.id());
        String name = CaptureFixture.captureName("held");
        capture.start(name, source, scope);
        capture.start(name, source, scope); // idempotent
        Connection holder = CaptureConnections.replication(source, "another-process");
        org.postgresql.replication.PGReplicationStream stream = holder.unwrap(org.postgresql.PGConnection.class)
                .getReplicationAPI().replicationStream().logical()
                .withSlotName(CaptureName.PREFIX + name)
                .withSlotOption("proto_version", 1)
                .withSlotOption("publication_names", CaptureName.PREFIX + name)
                .start();
        assertThat(CaptureFixture.slotActive(CaptureName.PREFIX + name)).isTrue();

        capture.stop(name, source);
        capture.stop(name, source);
        assertThat(CaptureFixture.artefactsOf(name, source)).isEmpty();
        try {
            stream.close();
            holder.close();
        } catch (SQLException terminated) {
            // its backend was ended by stop
        }
    }

    /** Start, copy, catch up while both write; stop the writers, catch up, sync, verify, stop. */
    private void moveUnderWriters(Strata strata, CopyEndpoint source, CopyEndpoint target, List<UUID> moving, UUID neighbour)
            throws Exception {
        String name = CaptureFixture.captureName("paths");
        CopyScope scope = new CopyScope(CaptureFixture.SHOP_TABLES, moving);
        capture.requireCapturable(source, scope);
        try (ShopWriter mover = ShopWriter.start(strata, moving.get(0), "mover");
             ShopWriter other = ShopWriter.start(strata, neighbour, "neighbour")) {
            mover.awaitRounds(2);
            capture.start(name, source, scope);
            mover.awaitRounds(3);
            capture.initialCopy(name, source, target, scope);
            mover.awaitRounds(3);
            capture.catchUp(name, source, target, scope, Duration.ofSeconds(5));
            mover.awaitRounds(3);
            other.awaitRounds(1);
            capture.catchUp(name, source, target, scope, Duration.ofSeconds(5));
            mover.close();
            other.close();
            assertThat(mover.rounds()).isGreaterThanOrEqualTo(11);
        }
        finish(name, source, target, scope);
        assertThat(allRows(target, moving.get(0))).isEqualTo(allRows(source, moving.get(0)));
        assertThat(CaptureFixture.foreignRows(target, moving)).isZero();
    }

    /** The final catch-up after writes stopped, then sequences, verification and stop; asserts each. */
    private void finish(String name, CopyEndpoint source, CopyEndpoint target, CopyScope scope) throws SQLException {
        assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(60))).isZero();
        capture.syncSequences(source, target, scope);
        assertThat(capture.verify(source, target, scope)).hasSize(scope.tables().size())
                .allSatisfy(check -> assertThat(check.matches()).as("%s", check).isTrue());
        assertSequenceAhead(source, target, scope);
        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }

    /** The target's order_lines sequence is at least the source's, and beyond every moved id. */
    private static void assertSequenceAhead(CopyEndpoint source, CopyEndpoint target, CopyScope scope) throws SQLException {
        long sourceSeq = lastValue(source);
        long targetSeq = lastValue(target);
        assertThat(targetSeq).isGreaterThanOrEqualTo(sourceSeq);
        Connection c = AdminConnections.of(target.database());
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(id), 0) FROM " + target.schema()
                + ".order_lines WHERE tenant_id = ANY (?)")) {
            ps.setArray(1, c.createArrayOf("uuid", new ArrayList<>(scope.tenantIds()).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(targetSeq).isGreaterThanOrEqualTo(rs.getLong(1));
            }
        }
    }

    private static long lastValue(CopyEndpoint endpoint) throws SQLException {
        Connection c = AdminConnections.of(endpoint.database());
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(format('%I.order_lines', ?::text), 'id')::regclass), 0)")) {
            ps.setString(1, endpoint.schema());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
