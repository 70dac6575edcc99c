package dev.strata.internal.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.Tier;
import dev.strata.archive.ArchiveManifest;
import dev.strata.backup.BackupInfo;
import dev.strata.backup.BackupSchedule;
import dev.strata.backup.Backups;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link Backups} over the engine's archives, one backup directory and the management database.
 * Thread-safe. The clock decides when schedules are due (tests drive it).
 */
public final class BackupsImpl implements Backups {
    private static final Logger LOG = LoggerFactory.getLogger(BackupsImpl.class);

    private final StrataEngine engine;
    private final BackupFiles files;
    private final String actor;
    private final Clock clock;

    /** How old a {@code taking} backup of a process without a live lease must be before it counts as interrupted. */
    static final java.time.Duration INTERRUPTED_GRACE = java.time.Duration.ofMinutes(1);

    public BackupsImpl(StrataEngine engine, Path directory, String actor, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.files = new BackupFiles(Objects.requireNonNull(directory, "directory"));
        this.actor = actor;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The backup directory. */
    public Path directory() {
        return files.root();
    }

    /** The same backups recording {@code newActor} as the author. */
    public BackupsImpl actingAs(String newActor) {
        return new BackupsImpl(engine, files.root(), newActor, clock);
    }

    @Override
    public BackupInfo take(String tenantKey) {
        return take(backedUp(tenantKey), "on_demand", null);
    }

    /**
     * Takes a backup of the tenant with this trigger and label; a T1's carries one of each of its
     * live RLS-mode T2s (recorded as its parts, each its own archive and snapshot), and is complete
     * only once they all are. A failure is recorded on the backup (status {@code failed}, its error)
     * and thrown.
     */
    public BackupInfo take(Tenant tenant, String trigger, String label) {
        return take(tenant, trigger, label, null);
    }

    private BackupInfo take(Tenant tenant, String trigger, String label, UUID partOf) {
        UUID id = UUID.randomUUID();
        Jdbc.useTransaction(engine.management(), "record a backup of '" + tenant.slug() + "'",
                c -> BackupStore.insertTaking(c, id, tenant.id(), trigger, label, partOf, engine.presence().id()));
        Path file = files.fileOf(tenant.id(), id);
        try {
            MessageDigest digest = BackupFiles.newDigest();
            ArchiveManifest[] manifest = new ArchiveManifest[1];
            long size = files.write(file, out -> {
                DigestOutputStream digesting = new DigestOutputStream(out, digest);
                manifest[0] = engine.archives().export(tenant.id().toString(), digesting, actor);
                digesting.flush();
            });
            String sha256 = HexFormat.of().formatHex(digest.digest());
            if (partOf == null && tenant.tier() == Tier.T1) {
                for (Tenant child : rlsChildren(tenant)) {
                    take(child, trigger, label, id);
                }
            }
            Jdbc.useTransaction(engine.management(), "record the backup of '" + tenant.slug() + "'",
                    c -> BackupStore.complete(c, id, manifest[0].exportedAt(), size, sha256, file));
            LOG.info("Backed up tenant '{}' ({}): {} bytes, {} rows, to {}", tenant.slug(), trigger, size,
                    manifest[0].totalRows(), file);
            return get(id);
        } catch (IOException | RuntimeException e) {
            String error = e instanceof IOException ? "Writing " + file + " failed: " + e.getMessage() : e.getMessage();
            try {
                Jdbc.useTransaction(engine.management(), "record a failed backup", c -> BackupStore.fail(c, id, error));
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof StrataException se) {
                throw se;
            }
            throw new StrataException(ErrorCode.INTERNAL, "The backup of tenant '" + tenant.slug() + "' failed: " + error
                    + ". It is recorded as failed; check the backup directory " + files.root(), e);
        }
    }

    /** A T1's live T2s in RLS mode (the ones its backup carries). */
    private List<Tenant> rlsChildren(Tenant t1) {
        return Jdbc.withConnection(engine.management(), "list the T2s of '" + t1.slug() + "'",
                c -> engine.registry().liveChildren(c, t1.id())).stream()
                .filter(t -> t.mode() == dev.strata.IsolationMode.RLS)
                .filter(t -> t.status() == dev.strata.TenantStatus.ACTIVE || t.status() == dev.strata.TenantStatus.SUSPENDED)
                .toList();
    }

    @Override
    public List<BackupInfo> list(String tenantKey) {
        Tenant tenant = engine.registry().resolve(tenantKey);
        return Jdbc.withConnection(engine.management(), "list the backups of '" + tenant.slug() + "'",
                c -> BackupStore.listOf(c, tenant.id()));
    }

    @Override
    public BackupInfo get(UUID backupId) {
        Objects.requireNonNull(backupId, "backupId");
        return Jdbc.withConnection(engine.management(), "read backup " + backupId, c -> BackupStore.find(c, backupId))
                .orElseThrow(() -> new StrataException(ErrorCode.BACKUP_NOT_FOUND, "No backup with id '" + backupId
                        + "': see `strata tenants backup list <tenant>`"));
    }

    @Override
    public BackupSchedule schedule(String tenantKey, BackupSchedule schedule) {
        Objects.requireNonNull(schedule, "schedule");
        Tenant tenant = backedUp(tenantKey);
        Jdbc.useTransaction(engine.management(), "schedule backups of '" + tenant.slug() + "'", c -> {
            BackupStore.upsertSchedule(c, tenant.id(), schedule, clock.instant());
            engine.registry().recordEvent(c, tenant.id(), "backup_scheduled", actor,
                    "{\"every_seconds\": " + schedule.every().toSeconds() + ", \"keep\": " + schedule.keep() + "}");
        });
        return scheduleOf(tenantKey).orElseThrow();
    }

    @Override
    public void unschedule(String tenantKey) {
        Tenant tenant = engine.registry().resolve(tenantKey);
        Jdbc.useTransaction(engine.management(), "unschedule backups of '" + tenant.slug() + "'", c -> {
            if (BackupStore.schedule(c, tenant.id()).isPresent()) {
                BackupStore.deleteSchedule(c, tenant.id());
                engine.registry().recordEvent(c, tenant.id(), "backup_unscheduled", actor, "{}");
            }
        });
    }

    @Override
    public Optional<BackupSchedule> scheduleOf(String tenantKey) {
        Tenant tenant = engine.registry().resolve(tenantKey);
        return Jdbc.withConnection(engine.management(), "read the backup schedule of '" + tenant.slug() + "'",
                c -> BackupStore.schedule(c, tenant.id()));
    }

    @Override
    public List<BackupInfo> runDue() {
        failInterrupted();
        List<BackupInfo> taken = new ArrayList<>();
        while (true) {
            Optional<BackupStore.Claim> claim = Jdbc.inTransaction(engine.management(), "claim a due backup",
                    c -> BackupStore.claimDue(c, clock.instant()));
            if (claim.isEmpty()) {
                return taken;
            }
            taken.add(runClaimed(claim.get()));
        }
    }

    /**
     * Records as failed the backups a stopped process left {@code taking}, and deletes what they had
     * written. A backup being taken by a live process is never touched.
     */
    public List<UUID> failInterrupted() {
        List<BackupStore.Interrupted> interrupted = Jdbc.inTransaction(engine.management(), "find interrupted backups",
                c -> BackupStore.failInterrupted(c, INTERRUPTED_GRACE));
        for (BackupStore.Interrupted backup : interrupted) {
            LOG.warn("Backup {} of tenant {} was interrupted (its process stopped): recorded as failed", backup.id(), backup.tenantId());
            try {
                Path file = files.fileOf(backup.tenantId(), backup.id());
                Files.deleteIfExists(file);
                Files.deleteIfExists(file.resolveSibling(file.getFileName() + ".part"));
            } catch (IOException | RuntimeException e) {
                LOG.warn("Could not delete the partial file of interrupted backup {}: {}", backup.id(), e.getMessage());
            }
        }
        return interrupted.stream().map(BackupStore.Interrupted::id).toList();
    }

    private BackupInfo runClaimed(BackupStore.Claim claim) {
        Tenant tenant = engine.registry().findById(claim.tenantId()).orElseThrow();
        String error = null;
        BackupInfo result = null;
        try {
            result = take(tenant, "scheduled", null);
            applyRetention(tenant, claim.keep());
        } catch (RuntimeException e) {
            error = e.getMessage();
            LOG.warn("The scheduled backup of tenant '{}' failed (tried again next period): {}", tenant.slug(), error);
        }
        String lastError = error;
        Jdbc.useTransaction(engine.management(), "record the scheduled backup of '" + tenant.slug() + "'",
                c -> BackupStore.recordScheduleError(c, tenant.id(), lastError));
        if (result != null) {
            return result;
        }
        List<BackupInfo> recent = list(tenant.id().toString());
        return recent.isEmpty() ? null : recent.get(0);
    }

    /** Deletes the tenant's complete scheduled backups beyond the newest {@code keep}: file first, then record. */
    private void applyRetention(Tenant tenant, int keep) {
        List<BackupInfo> old = Jdbc.withConnection(engine.management(), "find old backups",
                c -> BackupStore.beyondRetention(c, tenant.id(), keep));
        for (BackupInfo backup : old) {
            try {
                List<BackupInfo> parts = Jdbc.withConnection(engine.management(), "find the parts of an old backup",
                        c -> BackupStore.partsOf(c, backup.id()));
                for (BackupInfo part : parts) {
                    if (part.path() != null) {
                        Files.deleteIfExists(part.path());
                    }
                    Jdbc.useTransaction(engine.management(), "delete an old backup", c -> BackupStore.markDeleted(c, part.id()));
                }
                if (backup.path() != null) {
                    Files.deleteIfExists(backup.path());
                }
                Jdbc.useTransaction(engine.management(), "delete an old backup", c -> BackupStore.markDeleted(c, backup.id()));
            } catch (IOException e) {
                LOG.warn("Could not delete old backup {} of '{}' ({}): kept", backup.id(), tenant.slug(), e.getMessage());
            }
        }
    }

    @Override
    public AutoCloseable startScheduler(java.time.Duration checkEvery) {
        if (checkEvery == null || checkEvery.isNegative() || checkEvery.isZero()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The scheduler's check period must be positive, not " + checkEvery);
        }
        java.util.concurrent.ScheduledFuture<?> task = engine.scheduler().scheduleWithFixedDelay(() -> {
            try {
                runDue();
            } catch (RuntimeException e) {
                LOG.warn("Checking for due backups failed (checked again in {}): {}", checkEvery, e.getMessage());
            }
        }, checkEvery.toMillis(), checkEvery.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        return () -> task.cancel(false);
    }

    private Tenant backedUp(String tenantKey) {
        Tenant tenant = engine.registry().resolve(tenantKey);
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "The T0 operator holds no tenant data: back up a T1 or T2 tenant");
        }
        return tenant;
    }
}
