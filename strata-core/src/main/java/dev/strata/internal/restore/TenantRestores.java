package dev.strata.internal.restore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.RestoreRequest;
import dev.strata.RestoreResult;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.backup.BackupInfo;
import dev.strata.backup.BackupStatus;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.backup.BackupStore;
import dev.strata.internal.backup.BackupsImpl;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@link dev.strata.Tenants#restore}: dispatches a restore to a moment to the plane's
 * point-in-time restore when one is registered for the tenant ({@link RestoreStrategies}), and
 * otherwise restores from a backup as a journalled {@link OperationKind#RESTORE} operation:
 * {@link RestoreStep#PRESERVE}, {@link RestoreStep#SUSPEND}, {@link RestoreStep#REPLACE_DATA},
 * {@link RestoreStep#RESUME}. Everything that can be refused is refused before the operation opens.
 * Thread-safe: stateless beyond the engine.
 */
public final class TenantRestores {
    private static final Logger LOG = LoggerFactory.getLogger(TenantRestores.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StrataEngine engine;

    public TenantRestores(StrataEngine engine) {
        this.engine = engine;
    }

    public RestoreResult restore(String key, RestoreRequest request, String actor) {
        Tenant tenant = engine.registry().resolve(key);
        requireRestorable(tenant);
        if (request.to() != null) {
            Optional<PointInTimeRestore> pointInTime = engine.restores().pointInTimeFor(tenant.id());
            if (pointInTime.isPresent()) {
                UUID operation = pointInTime.get().start(tenant.id(), request.to(), request.preserveAs(), actor);
                return new RestoreResult(operation, true, null, null, null, false, "Point-in-time restore of tenant '"
                        + tenant.slug() + "' to " + request.to() + " started as operation " + operation);
            }
        }
        BackupInfo backup = chooseBackup(tenant, request);
        requireIntact(backup);
        parts(backup).forEach(TenantRestores::requireIntact);
        UUID operation = open(tenant, backup, request, actor);
        try (RunningOperation running = engine.operations().track(operation, OperationKind.RESTORE)) {
            return run(running, List.of(), tenant.id(), backup, request.preserveAs(),
                    tenant.status() == TenantStatus.ACTIVE, request.to(), actor);
        }
    }

    private static void requireRestorable(Tenant tenant) {
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator holds no tenant data: restore a T1 or T2 tenant");
        }
        switch (tenant.status()) {
            case ACTIVE, SUSPENDED -> {
            }
            case DECOMMISSIONED, DECOMMISSIONING -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '"
                    + tenant.slug() + "' is " + tenant.status().wireName() + ": there is nothing to restore into. Import a "
                    + "backup's archive as a new tenant instead (strata tenants import)");
            case MIGRATING -> throw new StrataException(ErrorCode.RESTORE_REFUSED, "Tenant '" + tenant.slug()
                    + "' is moving: restore it once its move has ended (strata operations list). Nothing was changed");
            default -> throw new StrataException(ErrorCode.RESTORE_REFUSED, "Tenant '" + tenant.slug() + "' is "
                    + tenant.status().wireName() + ": restore it once it is active or suspended. Nothing was changed");
        }
    }

    private BackupInfo chooseBackup(Tenant tenant, RestoreRequest request) {
        return Jdbc.withConnection(engine.management(), "choose the backup to restore", c -> {
            if (request.backup() != null) {
                BackupInfo backup = BackupStore.find(c, request.backup()).filter(b -> b.status() != BackupStatus.DELETED)
                        .orElseThrow(() -> new StrataException(ErrorCode.BACKUP_NOT_FOUND, "No backup with id '"
                                + request.backup() + "': see `strata tenants backup list " + tenant.slug() + "`"));
                if (!backup.tenantId().equals(tenant.id())) {
                    throw new StrataException(ErrorCode.RESTORE_REFUSED, "Backup " + backup.id() + " is not a backup of tenant '"
                            + tenant.slug() + "': restore one of its own (strata tenants backup list " + tenant.slug()
                            + "). Nothing was changed");
                }
                if (backup.status() != BackupStatus.COMPLETE) {
                    throw new StrataException(ErrorCode.RESTORE_REFUSED, "Backup " + backup.id() + " is "
                            + backup.status().wireName() + ", not complete: restore a complete one. Nothing was changed");
                }
                return backup;
            }
            return BackupStore.newestCompleteAtOrBefore(c, tenant.id(), request.to()).orElseThrow(() ->
                    new StrataException(ErrorCode.BACKUP_NOT_FOUND, "Tenant '" + tenant.slug() + "' has no complete backup "
                            + "taken at or before " + request.to() + ", and its plane has no point-in-time history: restore "
                            + "a later moment or a backup by id (strata tenants backup list " + tenant.slug() + ")"));
        });
    }

    /** The file must be there and match the checksum recorded when it was written. */
    static void requireIntact(BackupInfo backup) {
        Path file = backup.path();
        if (file == null || !Files.isRegularFile(file)) {
            throw new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The file of backup " + backup.id() + " (" + file
                    + ") is missing: restore another backup. Nothing was changed");
        }
        String actual;
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            actual = HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The file of backup " + backup.id() + " (" + file
                    + ") cannot be read (" + e.getMessage() + "): restore another backup. Nothing was changed", e);
        }
        if (!actual.equals(backup.sha256())) {
            throw new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The file of backup " + backup.id() + " (" + file
                    + ") has SHA-256 " + actual + ", not the " + backup.sha256() + " it was written with: it is corrupted. "
                    + "Restore another backup. Nothing was changed");
        }
    }

    private UUID open(Tenant tenant, BackupInfo backup, RestoreRequest request, String actor) {
        ObjectNode detail = JSON.createObjectNode();
        detail.put("backup", backup.id().toString());
        detail.put("backup_taken_at", backup.takenAt().toString());
        detail.put("was_active", tenant.status() == TenantStatus.ACTIVE);
        detail.put("preserve_as", request.preserveAs());
        detail.put("to", request.to() == null ? null : request.to().toString());
        detail.put("actor", actor);
        return Jdbc.inTransaction(engine.management(), "open the restore of '" + tenant.slug() + "'", c -> {
            engine.registry().findById(c, tenant.id()).filter(t -> t.status() == tenant.status()).orElseThrow(() ->
                    new StrataException(ErrorCode.RESTORE_REFUSED, "Tenant '" + tenant.slug() + "' changed while the "
                            + "restore was being prepared: try again. Nothing was changed"));
            if (engine.operations().journal().hasLiveOperation(c, tenant.id())) {
                throw new StrataException(ErrorCode.RESTORE_REFUSED, "Another operation is running on tenant '"
                        + tenant.slug() + "' (strata operations list --tenant " + tenant.slug() + "): restore it once "
                        + "that has ended. Nothing was changed");
            }
            return engine.operations().open(c, OperationKind.RESTORE, tenant.id(), detail.toString());
        });
    }

    /** Resumes a restore from its journal (the handler's resume and recovery). */
    void resume(JournalEntry entry, RunningOperation running) {
        UUID backupId = UUID.fromString(entry.detail("backup").asText());
        BackupInfo backup = Jdbc.withConnection(engine.management(), "read backup " + backupId,
                c -> BackupStore.find(c, backupId)).orElseThrow(() -> new StrataException(ErrorCode.BACKUP_NOT_FOUND,
                "Backup " + backupId + " of the restore is gone: abort the restore"));
        JsonNode preserve = entry.detail("preserve_as");
        JsonNode to = entry.detail("to");
        JsonNode actor = entry.detail("actor");
        run(running, entry.doneSteps(), entry.tenantId(), backup, preserve == null ? null : preserve.asText(),
                entry.detail("was_active") != null && entry.detail("was_active").asBoolean(),
                to == null ? null : Instant.parse(to.asText()), actor == null ? "strata" : actor.asText());
    }

    /** Undoes a restore whose data was not replaced yet: the tenant works again as before. */
    void abort(JournalEntry entry, RunningOperation running) {
        Tenant tenant = engine.registry().findById(entry.tenantId()).orElseThrow();
        boolean wasActive = entry.detail("was_active") != null && entry.detail("was_active").asBoolean();
        if (wasActive && tenant.status() == TenantStatus.SUSPENDED) {
            engine.provisioner().resumeForRestore(tenant.id().toString(), "strata");
        }
        running.finish(OperationState.ABORTED, "aborted by an operator before its data was replaced");
    }

    private RestoreResult run(RunningOperation running, List<String> done, UUID tenantId, BackupInfo backup,
                              String preserveAs, boolean wasActive, Instant to, String actor) {
        running.plan(RestoreStep.values().length);
        UUID[] preserved = {null};
        boolean suspendedHere = false;
        try {
            once(running, done, RestoreStep.PRESERVE, () -> {
                if (preserveAs != null) {
                    Tenant current = engine.registry().findById(tenantId).orElseThrow();
                    Path root = backup.path().getParent().getParent();
                    preserved[0] = new BackupsImpl(engine, root, actor, Clock.systemUTC())
                            .take(current, "preserve", preserveAs).id();
                }
            });
            once(running, done, RestoreStep.SUSPEND, () -> {
                Tenant current = engine.registry().findById(tenantId).orElseThrow();
                if (wasActive && current.status() == TenantStatus.ACTIVE) {
                    engine.provisioner().suspendForRestore(tenantId.toString(), actor);
                }
            });
            suspendedHere = wasActive;
            once(running, done, RestoreStep.REPLACE_DATA, null, () -> replace(tenantId, backup));
            for (BackupInfo part : parts(backup)) {
                Optional<Tenant> t2 = engine.registry().findById(part.tenantId())
                        .filter(t -> t.status() == TenantStatus.ACTIVE || t.status() == TenantStatus.SUSPENDED);
                if (t2.isPresent()) {
                    once(running, done, RestoreStep.REPLACE_DATA, t2.get().id().toString(), () -> replace(t2.get().id(), part));
                }
            }
        } catch (RuntimeException e) {
            // The data is as it was (the replacement is one transaction): give the tenant back.
            if (suspendedHere) {
                try {
                    engine.provisioner().resumeForRestore(tenantId.toString(), actor);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            running.finish(OperationState.FAILED, e.getMessage());
            throw e;
        }
        running.step(RestoreStep.RESUME, () -> {
            Tenant current = engine.registry().findById(tenantId).orElseThrow();
            if (wasActive && current.status() == TenantStatus.SUSPENDED) {
                engine.provisioner().resumeForRestore(tenantId.toString(), actor);
            }
        });
        String message = message(engine.registry().findById(tenantId).orElseThrow(), backup, to);
        UUID preservedId = preserved[0] != null ? preserved[0] : preservedBackup(tenantId, preserveAs);
        Jdbc.useTransaction(engine.management(), "record the restore", c -> {
            ObjectNode detail = JSON.createObjectNode();
            detail.put("backup", backup.id().toString());
            detail.put("backup_taken_at", backup.takenAt().toString());
            detail.put("point_in_time", false);
            detail.put("preserved", preservedId == null ? null : preservedId.toString());
            engine.registry().recordEvent(c, tenantId, "restored", actor, detail.toString());
            running.finish(c, OperationState.SUCCEEDED, null);
        });
        LOG.info("{}", message);
        return new RestoreResult(running.id(), false, backup.id(), backup.takenAt(), preservedId, true, message);
    }

    /** Runs a step unless an earlier run of the operation finished it (a resumed restore). */
    private static void once(RunningOperation running, List<String> done, RestoreStep step, RunningOperation.Work work) {
        once(running, done, step, null, work);
    }

    private static void once(RunningOperation running, List<String> done, RestoreStep step, String qualifier,
                             RunningOperation.Work work) {
        if (!done.contains(step.journalName(qualifier))) {
            running.step(step, qualifier, work);
        }
    }

    /** Replaces one tenant's rows with one backup's, after checking the file again. */
    private void replace(UUID tenantId, BackupInfo backup) {
        requireIntact(backup);
        Tenant current = engine.registry().findById(tenantId).orElseThrow();
        try (InputStream in = Files.newInputStream(backup.path())) {
            engine.archives().replaceData(current, in);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The file of backup " + backup.id()
                    + " became unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The complete backups of RLS-mode T2s taken with a T1's backup: restored with it, each in its
     * own transaction (a T2 created since has none and is left as it is).
     */
    private List<BackupInfo> parts(BackupInfo backup) {
        return Jdbc.withConnection(engine.management(), "read the parts of backup " + backup.id(),
                c -> BackupStore.partsOf(c, backup.id())).stream()
                .filter(b -> b.status() == BackupStatus.COMPLETE).toList();
    }

    private UUID preservedBackup(UUID tenantId, String preserveAs) {
        if (preserveAs == null) {
            return null;
        }
        List<BackupInfo> all = Jdbc.withConnection(engine.management(), "find the preserved backup",
                c -> BackupStore.listOf(c, tenantId));
        return all.stream().filter(b -> "preserve".equals(b.trigger()) && preserveAs.equals(b.label())
                && b.status() == BackupStatus.COMPLETE).map(BackupInfo::id).findFirst().orElse(null);
    }

    /** Says plainly what was done: a restore from a backup, never a point-in-time one. */
    static String message(Tenant tenant, BackupInfo backup, Instant to) {
        String base = "Restored tenant '" + tenant.slug() + "' from backup " + backup.id() + " taken at " + backup.takenAt();
        if (to == null) {
            return base;
        }
        return base + " (the newest at or before " + to + "); this plane has no point-in-time history";
    }
}
