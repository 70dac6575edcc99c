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
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A verification from a baseline taken before the freeze gives exactly the figures of a full
 * pass over every row, whatever changed since on either side: inserts in every partition,
 * updates, deletes, rows only locked; and a divergence made at the target after the baseline,
 * which no captured change explains, is found as the full pass finds it.
 */
class VerifyBaselineTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private final ChangeCapture capture = new LogicalChangeCapture();

    @Test
    void a_verification_from_a_baseline_equals_the_full_pass_after_changes_on_both_sides() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("baseline-a").withMode(IsolationMode.RLS));
        Tenant mover = strata.tenants().create(NewTenant.t2("baseline-a-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("baseline-a-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        Shop.seed(strata, mover.id(), "before");
        Shop.seed(strata, neighbour.id(), "neighbour");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "baseline-a-holder", IsolationMode.DATABASE);
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("baseline");
        capture.start(name, source, scope);
        try {
            capture.initialCopy(name, source, target, scope);
            try (VerifyBaseline baseline = capture.verifyBaseline(source, target, scope)) {
                assertThat(baseline).isNotSameAs(VerifyBaseline.NONE);
                Shop.seed(strata, mover.id(), "after");
                Shop.seed(strata, neighbour.id(), "neighbour after");
                admin(source, "UPDATE " + source.schema() + ".customers SET name = name || ' renamed' WHERE tenant_id = '"
                        + mover.id() + "' AND name LIKE 'before%'");
                admin(source, "DELETE FROM " + source.schema() + ".order_lines WHERE tenant_id = '" + mover.id()
                        + "' AND sku LIKE 'before-sku-1'");
                admin(source, "UPDATE " + source.schema() + ".events SET kind = kind || ' again' WHERE tenant_id = '"
                        + mover.id() + "' AND kind LIKE 'before event 2'");
                lockRows(source, "SELECT 1 FROM " + source.schema() + ".orders WHERE tenant_id = '" + mover.id()
                        + "' FOR UPDATE");
                assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(60))).isZero();

                List<TableCheck> fromBaseline = capture.verify(source, target, scope, baseline);
                List<TableCheck> full = capture.verify(source, target, scope);
                assertThat(full).allSatisfy(check -> assertThat(check.matches()).as("%s", check).isTrue());
                assertThat(fromBaseline).isEqualTo(full);

                admin(target, "UPDATE " + target.schema() + ".customers SET email = 'tampered@example.test' WHERE tenant_id = '"
                        + mover.id() + "' AND name LIKE 'after customer 0'");
                admin(target, "DELETE FROM " + target.schema() + ".events WHERE tenant_id = '" + mover.id()
                        + "' AND kind = 'before event 0'");
                List<TableCheck> tamperedFromBaseline = capture.verify(source, target, scope, baseline);
                List<TableCheck> tamperedFull = capture.verify(source, target, scope);
                assertThat(tamperedFromBaseline).isEqualTo(tamperedFull);
                assertThat(tamperedFromBaseline).filteredOn(check -> !check.matches()).extracting(TableCheck::table)
                        .containsExactlyInAnyOrder("customers", "events");
            }
        } finally {
            capture.stop(name, source, target);
        }
    }

    private static void admin(CopyEndpoint endpoint, String sql) throws SQLException {
        Connection c = AdminConnections.of(endpoint.database());
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Locks rows in a transaction that commits without changing them (their xmax is set all the same). */
    private static void lockRows(CopyEndpoint endpoint, String sql) throws SQLException {
        Connection c = AdminConnections.of(endpoint.database());
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute(sql);
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }
}
