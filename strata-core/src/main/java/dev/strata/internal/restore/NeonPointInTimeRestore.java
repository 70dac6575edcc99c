package dev.strata.internal.restore;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.neon.NeonApi;
import dev.strata.internal.neon.NeonBranch;
import dev.strata.internal.neon.NeonPlacement;
import dev.strata.internal.neon.NeonPlacements;
import dev.strata.internal.operation.JournalDetail;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Point-in-time restore of a T1 on a Neon plane through Neon's branch restore: the T1's production
 * branch is restored from its own history to the moment asked for, its state before kept as a
 * branch ({@code preserve_under_name}: the name given, or {@code <slug>-before-<when>}), as a
 * journalled {@link OperationKind#POINT_IN_TIME_RESTORE} operation run in a thread of its own
 * ({@link NeonRestoreStep}). Then the T1's and its T2s' routes are dropped (in every process: a
 * routing notification) and this process's pools to them closed; Neon restarts the branch's
 * compute, which ends every other session of the old state.
 *
 * <p>Refused before anything starts, with the reason: a T1 whose production branch is a child
 * branch (branch placement: Neon restores only root branches from their own history), a moment in
 * the future or before the branch's history, a preserved name already taken. T2s are not
 * {@link #supports supported}: restoring a T2 alone from its T1's branch would restore its
 * siblings too, so a T2 is restored from its backups. Thread-safe.
 */
public final class NeonPointInTimeRestore implements PointInTimeRestore {
    private static final Logger LOG = LoggerFactory.getLogger(NeonPointInTimeRestore.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final DataSource management;
    private final Registry registry;
    private final OperationRunner runner;
    private final Supplier<NeonPlacements> placements;
    private final TenantConnectionReset reset;

    public NeonPointInTimeRestore(Registry registry, OperationRunner runner, Supplier<NeonPlacements> placements,
                                  TenantConnectionReset reset) {
        this.management = registry.dataSource();
        this.registry = registry;
        this.runner = runner;
        this.placements = placements;
        this.reset = reset;
        runner.register(new NeonRestoreHandler(this));
    }

    @Override
    public boolean supports(UUID tenantId) {
        Optional<Tenant> tenant = registry.findById(tenantId);
        return tenant.isPresent() && tenant.get().tier() == Tier.T1 && placements.get().of(tenantId).isPresent();
    }

    @Override
    public UUID start(UUID tenantId, Instant to, String preserveAs, String actor) {
        Tenant t1 = registry.findById(tenantId).orElseThrow(() -> new StrataException(ErrorCode.TENANT_NOT_FOUND,
                "No tenant with id " + tenantId));
        NeonPlacement placement = placements.get().of(tenantId).orElseThrow(() -> new StrataException(ErrorCode.PLANE_CANNOT,
                "Tenant '" + t1.slug() + "' is not on a Neon plane: it has no point-in-time history"));
        if (to == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A point-in-time restore needs the moment to restore to (--to)");
        }
        Instant now = Instant.now();
        if (to.isAfter(now)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The moment " + to + " is in the future: restore tenant '"
                    + t1.slug() + "' to a moment of its past. Nothing was changed");
        }
        NeonApi api = placements.get().api(placement.planeKey());
        List<NeonBranch> branches = api.listBranches(placement.projectId());
        NeonBranch production = branches.stream().filter(b -> b.id().equals(placement.branchId())).findFirst()
                .orElseThrow(() -> new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon project " + placement.projectId()
                        + " has no branch " + placement.branchId() + " (tenant '" + t1.slug() + "''s production branch)"));
        if (!production.isRoot()) {
            throw new StrataException(ErrorCode.PLANE_CANNOT, "Tenant '" + t1.slug() + "' cannot be restored in place:"
                    + " its plane places T1s as child branches of a shared Neon project (branch placement), and Neon"
                    + " restores only root branches from their own history. Instead, make a branch of it as it was then"
                    + " (strata tenants branch create " + t1.slug() + " --name restored --from-timestamp " + to
                    + ") and copy what you need from there, or move the tenant to a plane with project placement. Nothing"
                    + " was changed");
        }
        requireWithinHistory(api, placement, t1, to, now);
        String preserved = preserveAs != null ? preserveAs : t1.slug() + "-before-" + STAMP.format(now);
        if (branches.stream().anyMatch(b -> b.name().equals(preserved))) {
            throw new StrataException(ErrorCode.BRANCH_EXISTS, "Neon project " + placement.projectId() + " already has a"
                    + " branch named '" + preserved + "': choose another name to keep the current state under"
                    + " (--preserve-as). Nothing was changed");
        }
        Instant at = to.truncatedTo(ChronoUnit.MICROS);
        UUID operation = Jdbc.inTransaction(management, "start restoring '" + t1.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, t1.id());
            Tenant current = registry.findById(c, t1.id()).orElseThrow();
            if (current.status() != TenantStatus.ACTIVE && current.status() != TenantStatus.SUSPENDED) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + t1.slug() + "' is "
                        + current.status().wireName() + ": restore it once it is active or suspended");
            }
            return runner.open(c, OperationKind.POINT_IN_TIME_RESTORE, t1.id(), JournalDetail.json("plane",
                    placement.planeKey(), "project", placement.projectId(), "branch", placement.branchId(),
                    "to", at.toString(), "preserve_as", preserved, "actor", actor));
        });
        LOG.info("Restoring tenant '{}' to {} (its current state kept as Neon branch '{}'), operation {}", t1.slug(), at,
                preserved, operation);
        Thread worker = new Thread(() -> {
            MDC.put("tenant", t1.id().toString());
            try (RunningOperation running = runner.track(operation, OperationKind.POINT_IN_TIME_RESTORE)) {
                run(Detail.of(t1.id(), runner.find(operation).detailJson()), running);
            } catch (RuntimeException e) {
                LOG.warn("Restore {} of tenant '{}' ended with an error: {}", operation, t1.slug(), e.getMessage());
            } finally {
                MDC.remove("tenant");
            }
        }, "strata-restore-" + t1.slug());
        worker.setDaemon(true);
        worker.start();
        return operation;
    }

    /** What a restore operation journals. */
    record Detail(UUID tenantId, String plane, String project, String branch, Instant to, String preserveAs, String actor) {
        static Detail of(UUID tenantId, String json) {
            try {
                JsonNode d = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
                return new Detail(tenantId, d.path("plane").asText(), d.path("project").asText(), d.path("branch").asText(),
                        Instant.parse(d.path("to").asText()), d.path("preserve_as").asText(),
                        d.path("actor").asText("strata"));
            } catch (java.io.IOException e) {
                throw new StrataException(ErrorCode.INTERNAL, "Unreadable restore operation detail: " + e.getMessage(), e);
            }
        }
    }

    /** Runs (or finishes) a restore; ends the operation succeeded, or failed (resumable) on an error. */
    void run(Detail d, RunningOperation operation) {
        try {
            NeonApi api = placements.get().api(d.plane());
            operation.plan(2);
            // qualified with the preserved branch's name, so the operation shows it (a generated one too)
            operation.step(NeonRestoreStep.RESTORE_BRANCH, d.preserveAs(), () -> {
                boolean done = api.listBranches(d.project()).stream().anyMatch(b -> b.name().equals(d.preserveAs()));
                if (done) {
                    LOG.info("Neon branch '{}' exists: the restore itself was done by an earlier attempt", d.preserveAs());
                } else {
                    api.restoreBranch(d.project(), d.branch(), d.branch(), d.to(), d.preserveAs());
                }
            });
            operation.step(NeonRestoreStep.DROP_CONNECTIONS, () -> reset.reset(d.tenantId()));
            Jdbc.useTransaction(management, "finish restoring " + d.tenantId(), c -> {
                registry.recordEvent(c, d.tenantId(), "restored_to_time", d.actor(), JournalDetail.json("to",
                        d.to().toString(), "preserved_as", d.preserveAs(), "neon_project", d.project()));
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('strata_routing', ?)")) {
                    ps.setString(1, d.tenantId().toString());
                    ps.execute();
                }
                operation.finish(c, OperationState.SUCCEEDED, null);
            });
            LOG.info("Tenant {} restored to {}; its previous state is Neon branch '{}'", d.tenantId(), d.to(), d.preserveAs());
        } catch (RuntimeException e) {
            try {
                operation.finish(OperationState.FAILED, e.getMessage());
            } catch (RuntimeException lost) {
                LOG.debug("Could not mark restore {} failed: {}", operation.id(), lost.getMessage());
            }
            throw e;
        }
    }

    private static void requireWithinHistory(NeonApi api, NeonPlacement placement, Tenant t1, Instant to, Instant now) {
        Optional<JsonNode> project = api.getProject(placement.projectId());
        if (project.isEmpty()) {
            throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon project " + placement.projectId() + " of tenant '"
                    + t1.slug() + "' does not exist");
        }
        long retention = project.get().path("history_retention_seconds").asLong(0);
        Instant windowStart = retention > 0 ? now.minus(Duration.ofSeconds(retention)) : null;
        String created = project.get().path("created_at").asText(null);
        if (created != null && (windowStart == null || Instant.parse(created).isAfter(windowStart))) {
            windowStart = Instant.parse(created);
        }
        if (windowStart != null && to.isBefore(windowStart)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The moment " + to + " is before the history of tenant '"
                    + t1.slug() + "''s branch begins (" + windowStart + (retention > 0 ? ", Neon keeps " + retention / 3600
                    + " h" : "") + "): restore to a later moment, or from a backup (strata tenants restore "
                    + t1.slug() + " --backup ID). Nothing was changed");
        }
    }
}
