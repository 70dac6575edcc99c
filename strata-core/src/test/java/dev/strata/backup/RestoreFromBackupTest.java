package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.RestoreRequest;
import dev.strata.RestoreResult;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.internal.backup.BackupsImpl;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restoring a tenant from one of its backups on a local plane: exactly its rows come back, only
 * its own (a neighbour writing meanwhile keeps every row); {@code --to} takes the newest backup at
 * or before the moment and says plainly that this is not point-in-time; the state before can be
 * preserved as a backup; and every refusal changes nothing.
 */
class RestoreFromBackupTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private final Path dir = BackupWorld.newDirectory();
    private final BackupsImpl backups = BackupWorld.backups(FIXTURE.strata(), dir, new TestClock());

    private static Strata strata() {
        return FIXTURE.strata();
    }

    @Test
    void a_restored_t2_gets_exactly_its_backed_up_rows_back_and_its_neighbour_writing_meanwhile_keeps_all_of_its()
            throws Exception {
        Tenant parent = strata().tenants().create(NewTenant.t1("rs-home"));
        Tenant t = strata().tenants().create(NewTenant.t2("rs-t2", parent.slug()));
        Tenant neighbour = strata().tenants().create(NewTenant.t2("rs-neighbour", parent.slug()));
        Shop.seed(strata(), t.id(), "before");
        Shop.seed(strata(), neighbour.id(), "neighbour");
        Shop.seed(strata(), parent.id(), "parent");
        Map<String, List<String>> backedUp = BackupWorld.rows(t);
        Map<String, List<String>> parentRows = BackupWorld.rows(parent);
        BackupInfo backup = backups.take(t.slug());

        BackupWorld.deleteLines(strata(), t.id());
        Shop.seed(strata(), t.id(), "after");
        assertThat(BackupWorld.rows(t)).isNotEqualTo(backedUp);

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger written = new AtomicInteger();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            while (writing.get()) {
                try {
                    strata().useTenant(neighbour.id(), scope -> Shop.customer(scope.connection(), neighbour.id(),
                            "meanwhile " + written.get(), "m" + written.get() + "@example.test", "{}"));
                    written.incrementAndGet();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        RestoreResult result;
        try {
            while (written.get() < 3) {
                Thread.onSpinWait();
            }
            result = strata().tenants().restore(t.slug(), RestoreRequest.fromBackup(backup.id()));
            int at = written.get();
            while (written.get() < at + 3) {
                Thread.onSpinWait();
            }
        } finally {
            writing.set(false);
        }
        writer.get();

        assertThat(result.pointInTime()).isFalse();
        assertThat(result.finished()).isTrue();
        assertThat(result.backup()).isEqualTo(backup.id());
        assertThat(result.message()).contains("from backup " + backup.id() + " taken at " + backup.takenAt());
        assertThat(BackupWorld.rows(t)).as("exactly the backed-up rows").isEqualTo(backedUp);
        assertThat(BackupWorld.customers(neighbour)).as("every row the neighbour wrote, before and during the restore")
                .isEqualTo(2 + written.get());
        assertThat(BackupWorld.rows(parent)).as("the T1 sharing the database is untouched").isEqualTo(parentRows);
        assertThat(strata().tenants().get(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(strata().tenants().history(t.slug())).extracting(e -> e.action()).contains("restored");
        Shop.seed(strata(), t.id(), "writes-again");
    }

    @Test
    void a_t1s_backup_carries_its_rls_mode_t2s_and_its_restore_brings_them_back_too_leaving_its_other_t2s_alone()
            throws Exception {
        Tenant t1 = strata().tenants().create(NewTenant.t1("rs-t1").withMode(IsolationMode.DATABASE));
        Tenant rls = strata().tenants().create(NewTenant.t2("rs-t1-rls", t1.slug()));
        Tenant schema = strata().tenants().create(NewTenant.t2("rs-t1-schema", t1.slug()).withMode(IsolationMode.SCHEMA));
        Shop.seed(strata(), t1.id(), "t1");
        Shop.seed(strata(), rls.id(), "rls");
        Shop.seed(strata(), schema.id(), "schema");
        Map<String, List<String>> t1Rows = BackupWorld.rows(t1);
        Map<String, List<String>> rlsRows = BackupWorld.rows(rls);
        BackupInfo backup = backups.take(t1.slug());
        assertThat(backups.list(t1.slug())).extracting(BackupInfo::id).containsExactly(backup.id());
        assertThat(backups.list(rls.slug())).singleElement().satisfies(part -> {
            assertThat(part.partOf()).isEqualTo(backup.id());
            assertThat(part.status()).isEqualTo(BackupStatus.COMPLETE);
        });
        assertThat(backups.list(schema.slug())).as("a schema-mode T2 is backed up on its own").isEmpty();

        BackupWorld.deleteLines(strata(), t1.id());
        BackupWorld.deleteLines(strata(), rls.id());
        Shop.seed(strata(), schema.id(), "schema-later");
        Tenant later = strata().tenants().create(NewTenant.t2("rs-t1-later", t1.slug()));
        Shop.seed(strata(), later.id(), "later");
        Map<String, List<String>> schemaRows = BackupWorld.rows(schema);
        Map<String, List<String>> laterRows = BackupWorld.rows(later);

        strata().tenants().restore(t1.slug(), RestoreRequest.fromBackup(backup.id()));

        assertThat(BackupWorld.rows(t1)).isEqualTo(t1Rows);
        assertThat(BackupWorld.rows(rls)).as("its RLS-mode T2, from the backup's part").isEqualTo(rlsRows);
        assertThat(BackupWorld.rows(schema)).as("its schema-mode T2 as it is now").isEqualTo(schemaRows);
        assertThat(BackupWorld.rows(later)).as("a T2 created after the backup as it is now").isEqualTo(laterRows);
        assertThat(strata().tenants().get(rls.id()).status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void to_a_moment_restores_the_newest_backup_taken_at_or_before_it_and_says_this_is_not_point_in_time()
            throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("rs-to").withMode(IsolationMode.SCHEMA));
        Shop.seed(strata(), t.id(), "one");
        backups.take(t.slug());
        Shop.seed(strata(), t.id(), "two");
        Map<String, List<String>> second = BackupWorld.rows(t);
        BackupInfo secondBackup = backups.take(t.slug());
        Thread.sleep(20);
        Instant between = Instant.now();
        Thread.sleep(20);
        Shop.seed(strata(), t.id(), "three");
        backups.take(t.slug());

        RestoreResult result = strata().tenants().restore(t.slug(), RestoreRequest.toMoment(between));

        assertThat(result.backup()).isEqualTo(secondBackup.id());
        assertThat(result.pointInTime()).isFalse();
        assertThat(result.message())
                .contains("from backup " + secondBackup.id() + " taken at " + secondBackup.takenAt())
                .contains("this plane has no point-in-time history")
                .doesNotContain("point-in-time restore");
        assertThat(BackupWorld.rows(t)).isEqualTo(second);
    }

    @Test
    void the_state_before_a_restore_can_be_preserved_as_a_backup_and_restored_in_turn() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("rs-keep").withMode(IsolationMode.RLS));
        Shop.seed(strata(), t.id(), "old");
        Map<String, List<String>> old = BackupWorld.rows(t);
        BackupInfo backup = backups.take(t.slug());
        Shop.seed(strata(), t.id(), "new");
        Map<String, List<String>> current = BackupWorld.rows(t);

        RestoreResult result = strata().tenants().restore(t.slug(), RestoreRequest.fromBackup(backup.id()).preservingAs("pre-restore"));

        assertThat(BackupWorld.rows(t)).isEqualTo(old);
        BackupInfo preserved = backups.get(result.preserved());
        assertThat(preserved.trigger()).isEqualTo("preserve");
        assertThat(preserved.label()).isEqualTo("pre-restore");
        strata().tenants().restore(t.slug(), RestoreRequest.fromBackup(preserved.id()));
        assertThat(BackupWorld.rows(t)).isEqualTo(current);
    }

    @Test
    void a_suspended_tenant_is_restored_and_stays_suspended() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("rs-suspended"));
        Shop.seed(strata(), t.id(), "s");
        Map<String, List<String>> rows = BackupWorld.rows(t);
        BackupInfo backup = backups.take(t.slug());
        BackupWorld.deleteLines(strata(), t.id());
        strata().tenants().suspend(t.slug());

        strata().tenants().restore(t.slug(), RestoreRequest.fromBackup(backup.id()));

        assertThat(BackupWorld.rows(t)).isEqualTo(rows);
        assertThat(strata().tenants().get(t.id()).status()).isEqualTo(TenantStatus.SUSPENDED);
    }

    @Test
    void refused_restores_say_why_and_change_nothing() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("rs-refused"));
        Tenant other = strata().tenants().create(NewTenant.t1("rs-other"));
        Instant beforeAny = Instant.now().minusSeconds(60);
        Shop.seed(strata(), t.id(), "r");
        BackupInfo own = backups.take(t.slug());
        BackupInfo foreign = backups.take(other.slug());
        BackupWorld.deleteLines(strata(), t.id());
        Map<String, List<String>> now = BackupWorld.rows(t);

        assertRefused(t, RestoreRequest.toMoment(beforeAny), ErrorCode.BACKUP_NOT_FOUND, "no complete backup taken at or before");
        assertRefused(t, RestoreRequest.fromBackup(UUID.randomUUID()), ErrorCode.BACKUP_NOT_FOUND, "No backup with id");
        assertRefused(t, RestoreRequest.fromBackup(foreign.id()), ErrorCode.RESTORE_REFUSED, "is not a backup of tenant 'rs-refused'");
        byte[] bytes = Files.readAllBytes(own.path());
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(own.path(), bytes);
        assertRefused(t, RestoreRequest.fromBackup(own.id()), ErrorCode.ARCHIVE_CORRUPT, "it is corrupted");
        assertThat(BackupWorld.rows(t)).as("unchanged by every refusal").isEqualTo(now);
        assertThat(strata().tenants().get(t.id()).status()).isEqualTo(TenantStatus.ACTIVE);

        assertThatThrownBy(() -> new RestoreRequest(own.id(), Instant.now(), null))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> new RestoreRequest(null, null, null))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> RestoreRequest.fromBackup(own.id()).preservingAs("Not A Name"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));

        BackupInfo otherBackup = backups.take(other.slug());
        strata().tenants().decommission(other.slug(), false);
        assertRefused(other, RestoreRequest.fromBackup(otherBackup.id()), ErrorCode.TENANT_DECOMMISSIONED, "decommissioned");
        assertThatThrownBy(() -> strata().tenants().restore(strata().tenants().operator().slug(), RestoreRequest.toMoment(Instant.now())))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HIERARCHY));
    }

    private static void assertRefused(Tenant t, RestoreRequest request, ErrorCode code, String says) {
        assertThatThrownBy(() -> strata().tenants().restore(t.id().toString(), request))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(says);
                });
    }
}
