package dev.strata.internal.move;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.internal.move.CaptureFixture.Crash;
import dev.strata.internal.move.PgOutputMessage.Delete;
import dev.strata.internal.move.PgOutputMessage.Insert;
import dev.strata.internal.move.PgOutputMessage.Relation;
import dev.strata.internal.move.PgOutputMessage.Update;
import dev.strata.internal.move.PgOutputMessage.Value;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.strata.internal.move.CaptureFixture.allRows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash safety and the row filter of the capture: a process that dies after the target committed a
 * batch but before the slot moved on (and one abandoned in the middle of a catch-up) is resumed by
 * a new instance to exactly the source's rows — no change applied twice, even where applying twice
 * would break a unique constraint; the decoded stream never carries a row of a neighbour; and a
 * catch-up bounded in time reports what is still waiting.
 */
class CaptureResumeTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    @Test
    void a_crash_between_target_commit_and_slot_advance_is_resumed_exactly_by_a_new_instance() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("resume-a").withMode(IsolationMode.DATABASE));
        Tenant mover = strata.tenants().create(NewTenant.t2("resume-a-mover", t1.slug()).withMode(IsolationMode.RLS));
        Shop.seed(strata, mover.id(), "seed");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "resume-a-holder", IsolationMode.DATABASE);
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("crash");

        new LogicalChangeCapture().start(name, source, scope);
        new LogicalChangeCapture().initialCopy(name, source, target, scope);
        try (ShopWriter writer = ShopWriter.start(strata, mover.id(), "w")) {
            writer.awaitRounds(8); // one transaction each; rounds 3 and 7 reuse a deleted row's unique email in one transaction
        }

        ChangeCapture resumed = CaptureFixture.crashTwiceThenResume(name, source, target, scope, mover.id());
        resumed.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }

    @Test
    void an_abandoned_session_still_holding_the_targets_origin_is_ended_by_the_next_catch_up() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("resume-d").withMode(IsolationMode.RLS));
        Shop.seed(strata, t1.id(), "d");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "resume-d-holder", IsolationMode.SCHEMA);
        CopyScope scope = CaptureFixture.scope(t1.id());
        String name = CaptureFixture.captureName("stale");
        ChangeCapture capture = new LogicalChangeCapture();
        capture.start(name, source, scope);
        capture.initialCopy(name, source, target, scope);
        Shop.seed(strata, t1.id(), "d2");
        CaptureName captureName = CaptureName.of(name);
        Connection abandoned = CaptureConnections.apply(target, captureName.applyApplicationName());
        CaptureArtefacts.setUpOriginSession(abandoned, captureName);

        assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(60))).isZero();
        assertThat(capture.verify(source, target, scope)).allSatisfy(check -> assertThat(check.matches()).as("%s", check).isTrue());
        assertThat(abandoned.isValid(2)).isFalse();
        abandoned.close();
        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }

    @Test
    void a_write_committed_asynchronously_just_before_a_catch_up_is_applied_by_it() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("resume-e").withMode(IsolationMode.DATABASE));
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        CopyEndpoint target = CaptureFixture.holder(strata, t1.slug(), "resume-e-holder", IsolationMode.SCHEMA);
        CopyScope scope = CaptureFixture.scope(t1.id());
        String name = CaptureFixture.captureName("async");
        ChangeCapture capture = new LogicalChangeCapture();
        capture.start(name, source, scope);
        capture.initialCopy(name, source, target, scope);
        for (int i = 0; i < 15; i++) {
            String email = "async" + i + "@example.test";
            strata.inTenant(t1.id(), s -> {
                try (Statement st = s.connection().createStatement()) {
                    st.execute("SET LOCAL synchronous_commit = off"); // the shared test server's default too
                }
                return Shop.customer(s.connection(), t1.id(), "async " + email, email, "{}");
            });
            assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(30))).isZero();
            assertThat(CaptureFixture.rows(target, "customers", t1.id())).as("after write %d", i).hasSize(i + 1);
        }
        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }

    @Test
    void the_decoded_stream_carries_only_rows_of_the_moving_tenant() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("resume-b").withMode(IsolationMode.RLS));
        Tenant mover = strata.tenants().create(NewTenant.t2("resume-b-mover", t1.slug()).withMode(IsolationMode.RLS));
        Tenant neighbour = strata.tenants().create(NewTenant.t2("resume-b-neighbour", t1.slug()).withMode(IsolationMode.RLS));
        CopyEndpoint source = CaptureFixture.endpointOf(strata, mover.id());
        CopyScope scope = CaptureFixture.scope(mover.id());
        String name = CaptureFixture.captureName("filter");
        ChangeCapture capture = new LogicalChangeCapture();
        capture.start(name, source, scope);
        try (ShopWriter a = ShopWriter.start(strata, mover.id(), "mover"); ShopWriter b = ShopWriter.start(strata, neighbour.id(), "neighbour")) {
            a.awaitRounds(4);
            b.awaitRounds(4);
        }
        Shop.seed(strata, t1.id(), "t1");

        Set<String> tenants = new HashSet<>();
        int changes = 0;
        try (Connection c = CaptureConnections.admin(source, "test")) {
            Map<Integer, Integer> tenantColumn = new HashMap<>();
            // the writers commit with synchronous_commit off: decoding sees only flushed WAL
            CaptureArtefacts.flushWal(c);
            ChangeStream.Batch batch = ChangeStream.peek(c, CaptureName.of(name), 1_000_000);
            for (ChangeStream.CapturedTransaction tx : batch.transactions()) {
                for (PgOutputMessage m : tx.messages()) {
                    if (m instanceof Relation r) {
                        for (int i = 0; i < r.columns().size(); i++) {
                            if (r.columns().get(i).name().equals("tenant_id")) {
                                tenantColumn.put(r.id(), i);
                            }
                        }
                    } else if (m instanceof Insert i) {
                        changes++;
                        tenants.add(tenantOf(i.row(), tenantColumn.get(i.relationId())));
                    } else if (m instanceof Update u) {
                        changes++;
                        tenants.add(tenantOf(u.row(), tenantColumn.get(u.relationId())));
                    } else if (m instanceof Delete d) {
                        changes++;
                        tenants.add(tenantOf(d.oldKey(), tenantColumn.get(d.relationId())));
                    }
                }
            }
        }
        assertThat(changes).isGreaterThan(20);
        assertThat(tenants).containsExactly(mover.id().toString());
        capture.stop(name, source);
        assertThat(CaptureFixture.artefactsOf(name, source)).isEmpty();
    }

    @Test
    void a_catch_up_out_of_time_reports_what_is_still_waiting_and_the_next_one_finishes() throws Exception {
        Strata strata = FIXTURE.strata();
        Tenant t1 = strata.tenants().create(NewTenant.t1("resume-c").withMode(IsolationMode.SCHEMA));
        Shop.seed(strata, t1.id(), "c");
        CopyEndpoint source = CaptureFixture.endpointOf(strata, t1.id());
        // schema -> RLS: into the shared RLS database's app schema
        Tenant shared = strata.tenants().create(NewTenant.t1("resume-c-shared").withMode(IsolationMode.RLS));
        CopyEndpoint target = CaptureFixture.endpointOf(strata, shared.id());
        assertThat(target.schema()).isEqualTo("app");
        CopyScope scope = CaptureFixture.scope(t1.id());
        String name = CaptureFixture.captureName("bounded");
        ChangeCapture slow = new LogicalChangeCapture(3, lsn -> {
        });
        long othersAtTarget = CaptureFixture.foreignRows(target, List.of(t1.id()));
        slow.start(name, source, scope);
        slow.initialCopy(name, source, target, scope);
        for (int i = 0; i < 5; i++) {
            Shop.seed(strata, t1.id(), "c" + i);
        }
        assertThat(slow.catchUp(name, source, target, scope, Duration.ZERO)).isPositive();
        assertThat(slow.verify(source, target, scope)).anySatisfy(check -> assertThat(check.matches()).isFalse());

        ChangeCapture capture = new LogicalChangeCapture();
        assertThat(capture.catchUp(name, source, target, scope, Duration.ofSeconds(60))).isZero();
        assertThat(capture.verify(source, target, scope)).allSatisfy(check -> assertThat(check.matches()).as("%s", check).isTrue());
        assertThat(CaptureFixture.foreignRows(target, List.of(t1.id()))).as("rows of the tenants already there")
                .isEqualTo(othersAtTarget);
        capture.stop(name, source, target);
        assertThat(CaptureFixture.artefactsOf(name, source, target)).isEmpty();
    }

    private static String tenantOf(List<Value> row, Integer column) {
        return row.get(column).text();
    }
}
