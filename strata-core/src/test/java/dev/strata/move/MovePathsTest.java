package dev.strata.move;

import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationInfo;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.strata.IsolationMode.DATABASE;
import static dev.strata.IsolationMode.RLS;
import static dev.strata.IsolationMode.SCHEMA;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every path between isolation modes, for a T1 and for a T2, online: a writer for the moving
 * tenant and one for a neighbour run throughout. Afterwards every acknowledged write is at the
 * target exactly once, the moving writer saw nothing but waits and TENANT_MOVING, the neighbour
 * saw no error, isolation holds at the target, and nothing of the tenant is left at the source:
 * no rows, schema or database, no slot and no publication.
 */
class MovePathsTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    static Stream<Arguments> t1Paths() {
        return Stream.of(Arguments.of(RLS, SCHEMA), Arguments.of(RLS, DATABASE), Arguments.of(SCHEMA, DATABASE),
                Arguments.of(DATABASE, RLS), Arguments.of(SCHEMA, RLS), Arguments.of(DATABASE, SCHEMA));
    }

    static Stream<Arguments> t2Paths() {
        return Stream.of(Arguments.of(RLS, SCHEMA), Arguments.of(RLS, DATABASE), Arguments.of(SCHEMA, RLS),
                Arguments.of(DATABASE, RLS), Arguments.of(SCHEMA, DATABASE), Arguments.of(DATABASE, SCHEMA));
    }

    @ParameterizedTest(name = "T1 {0} -> {1}")
    @MethodSource("t1Paths")
    void a_t1_moves_online_between_modes(IsolationMode from, IsolationMode to) throws Exception {
        String tag = "t1-" + from.wireName() + "-" + to.wireName();
        Tenant moving = strata().tenants().create(NewTenant.t1(tag).withMode(from));
        Tenant neighbour = strata().tenants().create(NewTenant.t1(tag + "-n").withMode(from));
        moveUnderWriters(moving, neighbour, MoveRequest.to(to));
    }

    @ParameterizedTest(name = "T2 {0} -> {1}")
    @MethodSource("t2Paths")
    void a_t2_moves_online_between_modes(IsolationMode from, IsolationMode to) throws Exception {
        String tag = "t2-" + from.wireName() + "-" + to.wireName();
        Tenant parent = strata().tenants().create(NewTenant.t1(tag + "-p").withMode(DATABASE));
        Tenant moving = strata().tenants().create(NewTenant.t2(tag, parent.slug()).withMode(from));
        Tenant neighbour = strata().tenants().create(NewTenant.t2(tag + "-n", parent.slug()).withMode(from));
        moveUnderWriters(moving, neighbour, MoveRequest.to(to));
    }

    @Test
    void a_t1_database_consolidated_into_the_shared_rls_database_carries_its_rls_t2s() throws Exception {
        Tenant moving = strata().tenants().create(NewTenant.t1("consolidated").withMode(DATABASE));
        Tenant child = strata().tenants().create(NewTenant.t2("consolidated-child", moving.slug()));
        Tenant neighbour = strata().tenants().create(NewTenant.t1("consolidated-n").withMode(RLS));
        Shop.seed(strata(), child.id(), "child");
        Placement before = strata().tenants().get(child.id()).placement();
        moveUnderWriters(moving, neighbour, MoveRequest.to(RLS).withInto(TestNames.sharedRls(strata())));
        Placement after = strata().tenants().get(child.id()).placement();
        assertThat(after.mode()).isEqualTo(RLS);
        assertThat(after.database()).isEqualTo(TestNames.sharedRls(strata())).isNotEqualTo(before.database());
        assertThat(countCustomers(child.id())).as("the T2's rows came along").isEqualTo(2);
        long t1Reads = strata().inTenant(moving.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "SELECT count(*) FROM customers WHERE tenant_id = ?")) {
                ps.setObject(1, child.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(t1Reads).as("the T1 still reads its T2's rows").isEqualTo(2);
    }

    private static void moveUnderWriters(Tenant moving, Tenant neighbour, MoveRequest request) throws Exception {
        Shop.seed(strata(), moving.id(), "moving");
        Shop.seed(strata(), neighbour.id(), "neighbour");
        Placement source = strata().tenants().get(moving.id()).placement();
        OperationInfo move;
        try (MoveWorld.Writer movingWriter = new MoveWorld.Writer(strata(), moving);
             MoveWorld.Writer neighbourWriter = new MoveWorld.Writer(strata(), neighbour)) {
            movingWriter.atLeast(10);
            neighbourWriter.atLeast(10);
            move = strata().tenants().move(moving.slug(), request);
            int after = movingWriter.acknowledged.size();
            movingWriter.atLeast(after + 10);
            movingWriter.close();
            neighbourWriter.close();
            assertThat(move.state()).as("move %s: %s", move.id(), move.error()).isEqualTo(OperationState.SUCCEEDED);
            MoveWorld.assertWritersUnharmed(strata(), movingWriter, neighbourWriter);
            assertThat(countCustomers(moving.id())).isEqualTo(2 + movingWriter.acknowledged.size());
            assertThat(countCustomers(neighbour.id())).isEqualTo(2 + neighbourWriter.acknowledged.size());
        }
        Tenant moved = strata().tenants().get(moving.id());
        assertThat(moved.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(moved.mode()).isEqualTo(request.mode());
        Placement target = moved.placement();
        assertThat(target.database() + "/" + target.schema()).isNotEqualTo(source.database() + "/" + source.schema());

        assertThat(MoveWorld.rowsAt(source.database(), source.schema(), moving.id())).as("rows left at the source").isZero();
        if (source.mode() == SCHEMA) {
            assertThat(MoveWorld.schemaExists(source.database(), source.schema())).as("source schema").isFalse();
        }
        if (source.mode() == DATABASE) {
            assertThat(MoveWorld.databaseExists(source.database())).as("source database").isFalse();
        }
        assertThat(MoveWorld.replicationArtefacts()).isEmpty();
        assertThat(MoveWorld.publications(source.database())).isEmpty();

        assertIsolated(moving, neighbour);
        Shop.seed(strata(), moving.id(), "after the move");
    }

    /** Neither tenant reads or writes the other's rows at the target. */
    private static void assertIsolated(Tenant a, Tenant b) throws SQLException {
        for (Tenant[] pair : new Tenant[][] {{a, b}, {b, a}}) {
            UUID reader = pair[0].id();
            UUID owner = pair[1].id();
            long seen = strata().inTenant(reader, scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "SELECT count(*) FROM customers WHERE tenant_id = ?")) {
                    ps.setObject(1, owner);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
            assertThat(seen).as("%s reads none of the rows of %s", pair[0].slug(), pair[1].slug()).isZero();
            boolean refused;
            try {
                strata().inTenant(reader, scope -> Shop.customer(scope.connection(), owner, "intruder",
                        "intruder." + UUID.randomUUID() + "@example.test", "{}"));
                refused = false;
            } catch (SQLException | RuntimeException e) {
                refused = true;
            }
            assertThat(refused).as("%s cannot write a row of %s", pair[0].slug(), pair[1].slug()).isTrue();
        }
    }

    private static long countCustomers(UUID tenant) throws SQLException {
        return strata().inTenant(tenant, scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "SELECT count(*) FROM customers WHERE tenant_id = ?")) {
                ps.setObject(1, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
