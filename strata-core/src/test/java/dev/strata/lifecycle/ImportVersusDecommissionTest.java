package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import dev.strata.testing.Documents;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Importing a T2 under a T1 while that T1 is decommissioned with cascade: the import either
 * registers first (and the decommission is refused while it loads) or is refused because the
 * parent is being (or has been) decommissioned; an imported tenant never ends up in a dropped
 * database, and a refused import leaves nothing behind.
 */
class ImportVersusDecommissionTest {
    private static final int ROUNDS = 10;
    /** The export of {@code origin}, a T2 with 20 documents. */
    private static byte[] archive;

    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension
            .configured(b -> b.decommissionDrainTimeout(Duration.ofMillis(500)))
            .withSetUp(strata -> {
                strata.tenants().create(NewTenant.t1("source").withMode(IsolationMode.RLS));
                Tenant origin = strata.tenants().create(NewTenant.t2("origin", "source"));
                for (int i = 0; i < 20; i++) {
                    Documents.insert(strata, origin.id(), "doc-" + i);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                strata.exportTenant("origin", out);
                archive = out.toByteArray();
            });

    private final Strata strata = FIXTURE.strata();

    @Test
    void two_imports_of_one_archive_at_once_make_two_tenants_with_distinct_ids_or_one_per_slug() throws SQLException {
        strata.tenants().create(NewTenant.t1("twins").withMode(IsolationMode.RLS));
        for (int round = 0; round < 4; round++) {
            String a = "twin-a-" + round;
            String b = "twin-b-" + round;
            List<Race.Outcome> distinct = Race.run(
                    () -> strata.importTenant(new ByteArrayInputStream(archive), ImportOptions.inMode(null).withParent("twins").withSlug(a)),
                    () -> strata.importTenant(new ByteArrayInputStream(archive), ImportOptions.inMode(null).withParent("twins").withSlug(b)));
            distinct.forEach(Race.Outcome::done);
            Tenant first = ((ImportResult) distinct.get(0).value()).tenant();
            Tenant second = ((ImportResult) distinct.get(1).value()).tenant();
            assertThat(first.id()).isNotEqualTo(second.id());
            assertThat(Documents.visible(strata, first.id())).hasSize(20);
            assertThat(Documents.visible(strata, second.id())).hasSize(20);

            String same = "twin-same-" + round;
            List<Race.Outcome> clash = Race.run(
                    () -> strata.importTenant(new ByteArrayInputStream(archive), ImportOptions.inMode(null).withParent("twins").withSlug(same)),
                    () -> strata.importTenant(new ByteArrayInputStream(archive), ImportOptions.inMode(null).withParent("twins").withSlug(same)));
            clash.forEach(o -> o.doneOrRefusedWith(ErrorCode.DUPLICATE_SLUG));
            assertThat(Race.successes(clash)).isEqualTo(1);
        }
        Consistency.assertConsistent(strata, "twin");
    }

    @Test
    void an_import_under_a_t1_racing_its_cascading_decommission_ends_done_or_cleanly_refused() throws SQLException {
        for (int round = 0; round < ROUNDS; round++) {
            String parent = "target-" + round;
            strata.tenants().create(NewTenant.t1(parent).withMode(round % 3 == 0 ? IsolationMode.DATABASE : IsolationMode.RLS));
            IsolationMode mode = round % 4 == 1 ? IsolationMode.SCHEMA : IsolationMode.RLS;
            String slug = parent + "-copy";
            List<Race.Outcome> outcomes = Race.run(
                    () -> strata.importTenant(new ByteArrayInputStream(archive),
                            ImportOptions.inMode(mode).withParent(parent).withSlug(slug)),
                    () -> strata.tenants().decommission(parent, true));
            Race.Outcome imported = outcomes.get(0)
                    .doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT, ErrorCode.TENANT_DECOMMISSIONED);
            outcomes.get(1).doneOrRefusedWith(ErrorCode.OPERATION_CONFLICT);
            List<Tenant> live = Consistency.assertConsistent(strata, parent);
            if (imported.succeeded()) {
                Tenant copy = ((ImportResult) imported.value()).tenant();
                Tenant now = strata.tenants().get(copy.id());
                if (now.status() == TenantStatus.ACTIVE && live.stream().anyMatch(t -> t.id().equals(copy.id()))) {
                    assertThat(Documents.visible(strata, copy.id())).hasSize(20);
                }
            } else {
                assertThat(strata.tenants().list()).as("a refused import leaves no tenant").noneMatch(t -> t.slug().equals(slug));
            }
            if (strata.tenants().get(parent).status() != TenantStatus.DECOMMISSIONED) {
                strata.tenants().decommission(parent, true);
            }
            Consistency.assertConsistent(strata, parent);
        }
    }
}
