package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static dev.strata.internal.move.CaptureFixture.allRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The capture's basic cycle on one server: start, copy while the tenant writes, catch up with its
 * inserts, updates and deletes, verify and stop, for a T2's RLS rows moving to a schema of the same
 * database. The neighbour in the same tables never reaches the target.
 */
class SameServerCaptureTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private final ChangeCapture capture = new LogicalChangeCapture();

    @Test
    void rls_rows_of_a_t2_move_to_a_schema_of_the_same_database_with_every_change_applied() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("same-a").withMode(IsolationMode.DATABASE));
        Tenant mover = strata.tenants().create(NewTenant.t2("same-a-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("same-a-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        Shop.Seeded seeded = Shop.seed(strata, mover.id(), "mover");
        Shop.seed(strata, neighbour.id(), "neighbour");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "same-a-holder", IsolationMode.SCHEMA);
        assertThat(target.database()).isEqualTo(source.database());
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("same");

        capture.requireCapturable(source, scope);
        capture.start(name, source, scope);
        Shop.seed(strata, mover.id(), "between");
        Shop.seed(strata, neighbour.id(), "neighbour-between");
        long copied = capture.initialCopy(name, source, target, scope);
        assertThat(copied).isEqualTo(2 * 10);

        strata.inTenant(mover.id(), s -> {
            try (PreparedStatement ps = s.connection().prepareStatement("UPDATE customers SET name = name || ' (renamed)', profile = jsonb_build_object('big', repeat('x', 5000)) WHERE id = ?")) {
                ps.setObject(1, seeded.customers().get(0));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = s.connection().prepareStatement("DELETE FROM order_lines WHERE id = ?")) {
                ps.setLong(1, seeded.lines().get(2));
                ps.executeUpdate();
            }
            return null;
        });
        Shop.seed(strata, mover.id(), "after");
        Shop.seed(strata, neighbour.id(), "neighbour-after");

        assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(30))).isZero();
        capture.syncSequences(source, target, scope);
        List<TableCheck> checks = capture.verify(source, target, scope);
        assertThat(checks).hasSize(4).allMatch(TableCheck::matches, "matches");
        assertThat(allRows(target, mover.id())).isEqualTo(allRows(source, mover.id()));
        assertThat(CaptureFixture.foreignRows(target, List.of(mover.id()))).isZero();

        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }
}
