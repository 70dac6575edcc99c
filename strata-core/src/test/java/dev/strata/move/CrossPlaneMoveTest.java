package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.SecondPostgres;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TwoPlanes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moves between two PostgreSQL servers (the default plane and {@link TwoPlanes#SECOND}): a T1's
 * database moves with the T2s living in it, online, under writers; a plane of another region is
 * refused unless forced.
 */
class CrossPlaneMoveTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @BeforeAll
    static void secondPlane() {
        TwoPlanes.addSecond(FIXTURE.strata(), null);
    }

    @Test
    void a_t1_database_moves_to_another_plane_with_its_t2s_under_writers() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("far-db").withMode(IsolationMode.DATABASE));
        Tenant t2 = strata.tenants().create(NewTenant.t2("far-db-child", t1.slug()));
        Tenant neighbour = strata.tenants().create(NewTenant.t1("near").withMode(IsolationMode.DATABASE));
        Shop.seed(strata, t1.id(), "t1");
        Shop.seed(strata, t2.id(), "t2");
        Placement source = strata.tenants().get(t1.id()).placement();
        try (MoveWorld.Writer w = new MoveWorld.Writer(strata, t1); MoveWorld.Writer n = new MoveWorld.Writer(strata, neighbour)) {
            w.atLeast(10);
            OperationInfo move = strata.tenants().move(t1.slug(),
                    MoveRequest.to(IsolationMode.DATABASE).withPlane(TwoPlanes.SECOND));
            assertThat(move.state()).as("%s", move.error()).isEqualTo(OperationState.SUCCEEDED);
            w.atLeast(w.acknowledged.size() + 10);
            w.close();
            n.close();
            MoveWorld.assertEveryAcknowledgedWriteOnce(strata, w);
            MoveWorld.assertEveryAcknowledgedWriteOnce(strata, n);
            assertThat(w.errors.keySet()).isSubsetOf(Set.of(ErrorCode.TENANT_MOVING));
            assertThat(n.errors).isEmpty();
        }
        Placement t1At = strata.tenants().get(t1.id()).placement();
        Placement t2At = strata.tenants().get(t2.id()).placement();
        assertThat(t1At.dataPlane()).isEqualTo(TwoPlanes.SECOND);
        assertThat(t2At.dataPlane()).isEqualTo(TwoPlanes.SECOND);
        assertThat(t2At.database()).isEqualTo(t1At.database());
        assertThat(rowsOnSecond(t1At.database(), t2)).as("the T2's rows are on the second server").isEqualTo(10);
        assertThat(MoveWorld.databaseExists(source.database())).as("the source database on the first server").isFalse();
        assertThat(MoveWorld.replicationArtefacts()).isEmpty();
        Shop.seed(strata, t2.id(), "after");
    }

    @Test
    void a_plane_of_another_region_is_refused_unless_forced() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t = strata.tenants().create(NewTenant.t1("regional").withMode(IsolationMode.RLS).withRegion("mars-1"));
        Placement before = strata.tenants().get(t.id()).placement();
        assertThatThrownBy(() -> strata.tenants().move(t.slug(),
                MoveRequest.to(IsolationMode.DATABASE).withPlane(TwoPlanes.SECOND)))
                .isInstanceOf(StrataException.class).extracting("code").isEqualTo(ErrorCode.MOVE_REFUSED);
        assertThat(strata.tenants().get(t.id()).placement()).isEqualTo(before);
        Shop.seed(strata, t.id(), "regional");
        OperationInfo forced = strata.tenants().move(t.slug(),
                MoveRequest.to(IsolationMode.DATABASE).withPlane(TwoPlanes.SECOND).withForceRegion(true));
        assertThat(forced.state()).as("%s", forced.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat(strata.tenants().get(t.id()).placement().dataPlane()).isEqualTo(TwoPlanes.SECOND);
    }

    private static long rowsOnSecond(String database, Tenant t) throws SQLException {
        long total = 0;
        try (Connection c = SecondPostgres.admin(database)) {
            for (String table : MoveWorld.SHOP_TABLES) {
                try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM app." + table + " WHERE tenant_id = ?")) {
                    ps.setObject(1, t.id());
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        total += rs.getLong(1);
                    }
                }
            }
        }
        return total;
    }
}
