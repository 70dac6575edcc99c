package dev.strata.move;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.MoveRequest;
import dev.strata.NewTenant;
import dev.strata.OperationFilter;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.Placement;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.internal.move.MoveStep;
import dev.strata.internal.operation.StepHook;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A move out of a schema of its own is fenced at the source during the freeze as strongly as a
 * database of its own: no role but the schema's owner may use the schema (so a process that missed
 * the freeze cannot write to the old place), and a cutover given up opens it again.
 */
class SchemaSourceFenceTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @AfterEach
    void noHook() {
        strata().internals().operations().leases().stepHook(StepHook.NONE);
    }

    @Test
    void no_role_can_write_to_a_schema_mode_source_while_it_is_frozen_and_a_roll_back_opens_it_again() throws Exception {
        Tenant t = seeded("fenced-back");
        Placement source = t.placement();
        List<String> writersBefore = writers(source);
        assertThat(writersBefore).as("roles that write to the tenant's schema before the move").isNotEmpty();
        Map<String, List<String>> seen = new ConcurrentHashMap<>();
        strata().internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.MOVE && step == MoveStep.VERIFY) {
                seen.put("frozen", uncheckedWriters(source));
                throw new StrataException(ErrorCode.INTERNAL, "injected failure before the flip");
            }
        });
        assertThatThrownBy(() -> strata().tenants().move(t.slug(), MoveRequest.to(IsolationMode.DATABASE)))
                .isInstanceOf(StrataException.class).hasMessageContaining("injected");
        assertThat(seen.get("frozen")).as("roles that may write there during the freeze").isEmpty();
        OperationInfo move = strata().operations().list(OperationFilter.all().withTenant(t.id().toString())
                .withKind(OperationKind.MOVE)).get(0);
        assertThat(move.state()).isEqualTo(OperationState.ROLLED_BACK);
        assertThat(writers(source)).as("rights given back").containsExactlyInAnyOrderElementsOf(writersBefore);
        Shop.seed(strata(), t.id(), "after-roll-back");
        assertThat(DrainWorld.customers(strata(), t.id())).isEqualTo(4);
    }

    @Test
    void a_schema_mode_source_is_fenced_until_the_flip_and_the_move_reports_its_progress_while_it_runs() throws Exception {
        Tenant t = seeded("fenced-through");
        Placement source = t.placement();
        long rows = MoveWorld.rowsAt(source.database(), source.schema(), t.id());
        Map<String, Object> seen = new ConcurrentHashMap<>();
        strata().internals().operations().leases().stepHook((operation, kind, step, qualifier) -> {
            if (kind == OperationKind.MOVE && step == MoveStep.FREEZE) {
                seen.put("report", strata().operations().show(operation).report());
            }
            if (kind == OperationKind.MOVE && step == MoveStep.FLIP) {
                seen.put("frozen", uncheckedWriters(source));
            }
        });
        OperationInfo move = strata().tenants().move(t.slug(), MoveRequest.to(IsolationMode.DATABASE));
        assertThat(move.state()).as("%s", move.error()).isEqualTo(OperationState.SUCCEEDED);
        assertThat((List<?>) seen.get("frozen")).isEmpty();
        assertThat(DrainWorld.customers(strata(), t.id())).isEqualTo(2);
        @SuppressWarnings("unchecked")
        Map<String, Object> running = (Map<String, Object>) seen.get("report");
        assertThat(running).as("the report while the move ran").containsEntry("phase", "catch_up")
                .containsKey("lag_bytes").containsEntry("rows_copied", (int) rows);
        assertThat(move.report()).containsEntry("phase", "final_catch_up").containsEntry("lag_bytes", 0)
                .containsEntry("rows_copied", (int) rows);
        Placement target = strata().tenants().get(t.id()).placement();
        assertThat(MoveWorld.rowsAt(target.database(), target.schema(), t.id())).isEqualTo(rows);
    }

    private static Tenant seeded(String slug) throws SQLException {
        Tenant t = strata().tenants().create(NewTenant.t1(slug).withMode(IsolationMode.SCHEMA));
        Shop.seed(strata(), t.id(), slug);
        return strata().tenants().get(t.id());
    }

    /** The roles Strata made, other than the schema's owner, that may use the schema and insert into its customers. */
    private static List<String> writers(Placement p) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = TestStrata.admin(p.database());
             PreparedStatement ps = c.prepareStatement("""
                     SELECT r.rolname FROM pg_roles r, pg_namespace n
                      WHERE n.nspname = ? AND r.oid <> n.nspowner AND NOT r.rolsuper AND r.rolname NOT LIKE 'pg\\_%'
                        AND has_schema_privilege(r.oid, n.oid, 'USAGE')
                        AND has_table_privilege(r.oid, format('%I.customers', n.nspname), 'INSERT')
                      ORDER BY 1""")) {
            ps.setString(1, p.schema());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    private static List<String> uncheckedWriters(Placement p) {
        try {
            return writers(p);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Strata strata() {
        return FIXTURE.strata();
    }
}
