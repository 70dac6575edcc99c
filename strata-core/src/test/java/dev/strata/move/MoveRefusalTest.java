package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationKind;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Moves that must be refused, each with a specific error, and changing nothing: no operation, no
 * database, the tenant's status and placement as they were.
 */
class MoveRefusalTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @Test
    void a_move_to_the_current_placement_is_refused_in_every_mode() throws SQLException {
        for (IsolationMode mode : IsolationMode.values()) {
            Tenant t = create(NewTenant.t1("same-" + mode.wireName()).withMode(mode));
            refusedUnchanged(t, MoveRequest.to(mode), ErrorCode.MOVE_REFUSED);
        }
        Tenant parent = create(NewTenant.t1("same-parent").withMode(IsolationMode.DATABASE));
        Tenant child = create(NewTenant.t2("same-child", parent.slug()));
        refusedUnchanged(child, MoveRequest.to(IsolationMode.RLS), ErrorCode.MOVE_REFUSED);
    }

    @Test
    void an_unknown_plane_is_plane_not_found() throws SQLException {
        Tenant t = create(NewTenant.t1("no-plane").withMode(IsolationMode.RLS));
        refusedUnchanged(t, MoveRequest.to(IsolationMode.DATABASE).withPlane("nowhere"), ErrorCode.PLANE_NOT_FOUND);
    }

    @Test
    void a_suspended_tenant_and_a_tenant_of_a_suspended_t1_are_refused() throws SQLException {
        Tenant t = create(NewTenant.t1("suspended").withMode(IsolationMode.RLS));
        strata().tenants().suspend(t.slug());
        refusedUnchanged(t, MoveRequest.to(IsolationMode.DATABASE), ErrorCode.TENANT_SUSPENDED);

        Tenant parent = create(NewTenant.t1("suspended-parent").withMode(IsolationMode.DATABASE));
        Tenant child = create(NewTenant.t2("child-of-suspended", parent.slug()));
        strata().tenants().suspend(parent.slug());
        refusedUnchanged(child, MoveRequest.to(IsolationMode.DATABASE), ErrorCode.TENANT_SUSPENDED);
    }

    @Test
    void a_decommissioned_tenant_is_refused() {
        Tenant t = create(NewTenant.t1("gone").withMode(IsolationMode.RLS));
        strata().tenants().decommission(t.slug(), false);
        code(() -> strata().tenants().move(t.id().toString(), MoveRequest.to(IsolationMode.DATABASE)),
                ErrorCode.TENANT_DECOMMISSIONED);
    }

    @Test
    void the_operator_and_an_unknown_tenant_are_refused() {
        code(() -> strata().tenants().move(strata().tenants().operator().slug(), MoveRequest.to(IsolationMode.RLS)),
                ErrorCode.INVALID_HIERARCHY);
        code(() -> strata().tenants().move("no-such-tenant", MoveRequest.to(IsolationMode.RLS)), ErrorCode.TENANT_NOT_FOUND);
    }

    @Test
    void paths_a_t2_cannot_take_are_refused() throws SQLException {
        Tenant parent = create(NewTenant.t1("t2-paths").withMode(IsolationMode.DATABASE));
        Tenant child = create(NewTenant.t2("t2-paths-child", parent.slug()));
        refusedUnchanged(child, MoveRequest.to(IsolationMode.RLS).withInto(TestNames.sharedRls(strata())),
                ErrorCode.MOVE_REFUSED);
        refusedUnchanged(child, MoveRequest.to(IsolationMode.SCHEMA).withInto("anything"), ErrorCode.MOVE_REFUSED);
    }

    @Test
    void into_a_database_that_is_not_a_shared_rls_database_is_refused() throws SQLException {
        Tenant other = create(NewTenant.t1("own-db").withMode(IsolationMode.DATABASE));
        Tenant t = create(NewTenant.t1("into-wrong").withMode(IsolationMode.SCHEMA));
        refusedUnchanged(t, MoveRequest.to(IsolationMode.RLS).withInto(other.placement().database()), ErrorCode.MOVE_REFUSED);
        refusedUnchanged(t, MoveRequest.to(IsolationMode.RLS).withInto("no_such_database"), ErrorCode.MOVE_REFUSED);
    }

    @Test
    void a_t1_with_a_schema_mode_t2_in_its_database_is_refused_until_that_t2_moves() throws SQLException {
        Tenant parent = create(NewTenant.t1("with-schema-child").withMode(IsolationMode.DATABASE));
        create(NewTenant.t2("schema-child", parent.slug()).withMode(IsolationMode.SCHEMA));
        refusedUnchanged(parent, MoveRequest.to(IsolationMode.RLS), ErrorCode.MOVE_REFUSED);
    }

    @Test
    void bad_requests_are_invalid_arguments() {
        code(() -> MoveRequest.to(null), ErrorCode.INVALID_ARGUMENT);
        code(() -> MoveRequest.to(IsolationMode.RLS).withFreezeWait(Duration.ofMillis(10)), ErrorCode.INVALID_ARGUMENT);
        code(() -> MoveRequest.to(IsolationMode.RLS).withFreezeWait(Duration.ofMinutes(5)), ErrorCode.INVALID_ARGUMENT);
        code(() -> MoveRequest.to(IsolationMode.DATABASE).withInto("shared"), ErrorCode.INVALID_ARGUMENT);
        code(() -> MoveRequest.to(IsolationMode.RLS).withPlane("Bad Plane; DROP"), ErrorCode.INVALID_ARGUMENT);
        code(() -> MoveRequest.to(IsolationMode.RLS).withInto("x\"; DROP DATABASE y"), ErrorCode.INVALID_ARGUMENT);
        assertThatThrownBy(() -> strata().tenants().move("anyone", null)).isInstanceOf(NullPointerException.class);
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }

    private static Tenant create(NewTenant request) {
        return strata().tenants().create(request);
    }

    /** The move is refused with {@code code}, and the tenant, the journal and the databases are as before. */
    private static void refusedUnchanged(Tenant t, MoveRequest request, ErrorCode code) throws SQLException {
        Tenant before = strata().tenants().get(t.id());
        int operations = strata().operations().list(OperationFilter.all().withKind(OperationKind.MOVE)).size();
        List<String> databases = databases();
        code(() -> strata().tenants().move(t.slug(), request), code);
        Tenant after = strata().tenants().get(t.id());
        assertThat(after.status()).isEqualTo(before.status());
        assertThat(after.placement()).isEqualTo(before.placement());
        assertThat(strata().operations().list(OperationFilter.all().withKind(OperationKind.MOVE))).hasSize(operations);
        assertThat(databases()).isEqualTo(databases);
    }

    private static void code(ThrowableAssert.ThrowingCallable call, ErrorCode code) {
        assertThatThrownBy(call).isInstanceOf(StrataException.class).extracting("code").isEqualTo(code);
    }

    private static List<String> databases() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(strata().config().namespace());
             PreparedStatement ps = c.prepareStatement(
                     "SELECT data_plane || '/' || name || ':' || (dropped_at IS NULL) FROM platform.databases ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
