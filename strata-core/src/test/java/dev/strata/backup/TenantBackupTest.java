package dev.strata.backup;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.archive.ArchiveManifest;
import dev.strata.internal.backup.BackupsImpl;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant backups: taken on demand as a checksummed tenant archive in a private directory and
 * recorded; listed newest first; taken on a schedule when due (the test's clock makes them due),
 * by exactly one of two processes; a failed one recorded with its error and tried again next
 * period; retention keeping the newest N.
 */
class TenantBackupTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private final Path dir = BackupWorld.newDirectory();
    private final TestClock clock = new TestClock();

    private Strata strata() {
        return FIXTURE.strata();
    }

    private BackupsImpl backups() {
        return BackupWorld.backups(strata(), dir, clock);
    }

    @Test
    void a_backup_on_demand_is_the_tenants_archive_in_a_private_file_with_its_checksum_recorded() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-demand").withMode(IsolationMode.RLS));
        Shop.seed(strata(), t.id(), "demand");

        BackupInfo backup = backups().take(t.slug());

        assertThat(backup.status()).isEqualTo(BackupStatus.COMPLETE);
        assertThat(backup.tenantId()).isEqualTo(t.id());
        assertThat(backup.trigger()).isEqualTo("on_demand");
        byte[] file = Files.readAllBytes(backup.path());
        assertThat(backup.sizeBytes()).isEqualTo(file.length);
        assertThat(backup.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file)));
        assertThat(backup.path()).startsWith(dir);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.path()))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup.path().getParent()))).isEqualTo("rwx------");
        ByteArrayOutputStream export = new ByteArrayOutputStream();
        ArchiveManifest exported = strata().exportTenant(t.slug(), export);
        assertThat(exported.totalRows()).as("the archive holds the tenant's rows").isEqualTo(10);
        assertThat(backup.takenAt()).as("taken at the archive's snapshot").isBefore(exported.exportedAt());
    }

    @Test
    void backups_are_listed_newest_first_and_the_t0_has_none() {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-list"));
        BackupInfo first = backups().take(t.slug());
        BackupInfo second = backups().take(t.id().toString());

        assertThat(backups().list(t.slug())).extracting(BackupInfo::id).containsExactly(second.id(), first.id());
        assertThat(backups().get(first.id())).isEqualTo(first);
        assertThatThrownBy(() -> backups().take(strata().tenants().operator().slug()))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HIERARCHY));
        assertThatThrownBy(() -> backups().get(java.util.UUID.randomUUID()))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKUP_NOT_FOUND));
    }

    @Test
    void a_schedule_shorter_than_a_minute_or_keeping_nothing_is_refused() {
        assertThatThrownBy(() -> BackupSchedule.every(Duration.ofSeconds(59), 3))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                    assertThat(e.getMessage()).contains("at least 1 minute");
                });
        assertThatThrownBy(() -> BackupSchedule.every(Duration.ofHours(6), 0))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void a_scheduled_backup_is_taken_once_due_and_retention_keeps_the_newest() {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-sched"));
        BackupSchedule schedule = backups().schedule(t.slug(), BackupSchedule.every(Duration.ofHours(6), 2));
        assertThat(schedule.nextDue()).isEqualTo(clock.instant().plus(Duration.ofHours(6)));

        assertThat(dueBackupsOf(t)).as("not due yet").isEmpty();
        List<BackupInfo> taken = new ArrayList<>();
        for (int period = 0; period < 4; period++) {
            clock.advance(Duration.ofHours(6));
            List<BackupInfo> now = dueBackupsOf(t);
            assertThat(now).as("period %s", period).hasSize(1);
            taken.add(now.get(0));
        }

        assertThat(taken).allSatisfy(b -> assertThat(b.trigger()).isEqualTo("scheduled"));
        assertThat(backups().list(t.slug())).extracting(BackupInfo::id)
                .as("the newest two kept").containsExactly(taken.get(3).id(), taken.get(2).id());
        assertThat(taken.get(0).path()).doesNotExist();
        assertThat(taken.get(1).path()).doesNotExist();
        assertThat(taken.get(3).path()).exists();
        assertThat(backups().get(taken.get(0).id()).status()).isEqualTo(BackupStatus.DELETED);

        backups().unschedule(t.slug());
        clock.advance(Duration.ofDays(1));
        assertThat(dueBackupsOf(t)).as("off").isEmpty();
        assertThat(backups().scheduleOf(t.slug())).isEmpty();
    }

    @Test
    void a_failed_scheduled_backup_is_recorded_with_its_error_and_tried_again_next_period() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-fail"));
        backups().schedule(t.slug(), BackupSchedule.every(Duration.ofHours(1), 3));
        Path blocked = dir.resolve(t.id().toString());
        Files.createDirectories(dir);
        Files.writeString(blocked, "not a directory");

        clock.advance(Duration.ofHours(1));
        List<BackupInfo> failed = dueBackupsOf(t);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).status()).isEqualTo(BackupStatus.FAILED);
        assertThat(failed.get(0).error()).contains(t.id().toString());
        assertThat(backups().scheduleOf(t.slug()).orElseThrow().lastError()).isNotBlank();
        assertThat(dueBackupsOf(t)).as("not again in the same period").isEmpty();

        Files.delete(blocked);
        clock.advance(Duration.ofHours(1));
        List<BackupInfo> retried = dueBackupsOf(t);
        assertThat(retried).extracting(BackupInfo::status).containsExactly(BackupStatus.COMPLETE);
        assertThat(backups().scheduleOf(t.slug()).orElseThrow().lastError()).isNull();
        assertThat(backups().list(t.slug())).extracting(BackupInfo::status)
                .containsExactly(BackupStatus.COMPLETE, BackupStatus.FAILED);
    }

    @Test
    void two_processes_never_take_the_same_scheduled_backup_and_a_restarted_one_keeps_the_schedules() throws Exception {
        List<Tenant> tenants = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Tenant t = strata().tenants().create(NewTenant.t1("bk-race-" + i).withMode(IsolationMode.RLS));
            backups().schedule(t.slug(), BackupSchedule.every(Duration.ofHours(1), 10));
            tenants.add(t);
        }
        clock.advance(Duration.ofHours(1));
        try (Strata second = StrataFixture.start(FIXTURE.migrations(), b -> b.namespace(strata().config().namespace()))) {
            BackupsImpl other = BackupWorld.backups(second, dir, clock);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<List<BackupInfo>> a = CompletableFuture.supplyAsync(() -> awaitThen(start, backups()::runDue));
            CompletableFuture<List<BackupInfo>> b = CompletableFuture.supplyAsync(() -> awaitThen(start, other::runDue));
            java.util.Set<java.util.UUID> ours = tenants.stream().map(Tenant::id).collect(java.util.stream.Collectors.toSet());
            List<BackupInfo> all = new ArrayList<>(a.get());
            all.addAll(b.get());
            all.removeIf(backup -> !ours.contains(backup.tenantId()));
            assertThat(all).extracting(BackupInfo::tenantId).as("each due backup taken once, by one of them")
                    .containsExactlyInAnyOrderElementsOf(tenants.stream().map(Tenant::id).toList());

            clock.advance(Duration.ofHours(1));
            assertThat(other.runDue().stream().filter(backup -> ours.contains(backup.tenantId())).toList()).as("the schedules live in the management database: a process started later runs them")
                    .hasSize(tenants.size());
        }
        for (Tenant t : tenants) {
            assertThat(backups().list(t.slug())).hasSize(2);
        }
    }

    @Test
    void the_scheduler_takes_due_backups_on_the_engines_housekeeping_thread_until_it_is_closed() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-thread"));
        backups().schedule(t.slug(), BackupSchedule.every(Duration.ofMinutes(1), 5));
        clock.advance(Duration.ofMinutes(1));
        try (AutoCloseable scheduler = backups().startScheduler(Duration.ofMillis(50))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (backups().list(t.slug()).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(backups().list(t.slug())).extracting(BackupInfo::trigger).containsExactly("scheduled");
        assertThat(backups().scheduleOf(t.slug()).orElseThrow().nextDue()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
    }

    @Test
    void a_backup_left_taking_by_a_stopped_process_is_recorded_as_failed_and_one_of_a_live_process_is_not() throws Exception {
        Tenant t = strata().tenants().create(NewTenant.t1("bk-interrupted"));
        java.util.UUID stopped = java.util.UUID.randomUUID();
        java.util.UUID live = java.util.UUID.randomUUID();
        insertTaking(live, t, strata().internals().presence().id());
        insertTaking(stopped, t, java.util.UUID.randomUUID());
        Path partial = dir.resolve(t.id().toString()).resolve(stopped + ".strata.zip.part");
        Files.createDirectories(partial.getParent());
        Files.writeString(partial, "half an archive");

        assertThat(backups().failInterrupted()).containsExactly(stopped);

        assertThat(backups().get(stopped).status()).isEqualTo(BackupStatus.FAILED);
        assertThat(backups().get(stopped).error()).contains("Interrupted");
        assertThat(partial).doesNotExist();
        assertThat(backups().get(live).status()).as("its process still renews its lease").isEqualTo(BackupStatus.TAKING);
        assertThat(backups().failInterrupted()).isEmpty();
    }

    private void insertTaking(java.util.UUID id, Tenant t, java.util.UUID takenBy) throws Exception {
        try (java.sql.Connection c = strata().internals().management().getConnection();
             java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO platform.tenant_backups (id, tenant_id, status, trigger, "
                     + "taken_by, recorded_at) VALUES (?, ?, 'taking', 'scheduled', ?, now() - interval '2 minutes')")) {
            ps.setObject(1, id);
            ps.setObject(2, t.id());
            ps.setObject(3, takenBy);
            ps.executeUpdate();
        }
    }

    private List<BackupInfo> dueBackupsOf(Tenant t) {
        return backups().runDue().stream().filter(b -> b.tenantId().equals(t.id())).toList();
    }

    private static <T> T awaitThen(CyclicBarrier barrier, java.util.function.Supplier<T> work) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return work.get();
    }
}
