package dev.strata.internal.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.operation.JournalEntry;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.migration.ApplyRequest;
import dev.strata.migration.MigrationDrift;
import dev.strata.migration.MigrationProgress;
import dev.strata.migration.MigrationRun;
import dev.strata.migration.MigrationTarget;
import dev.strata.migration.SchemaMigrations;
import dev.strata.migration.TenantSchemaStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@link SchemaMigrations} of one Strata: discovery, pending detection, the fan-out runner, status
 * and validation over the application's migration set. A run interrupted by the death of its
 * process is taken over by the next {@link #apply}, at start-up, or by this process's periodic
 * check once its lease has expired. Thread-safe.
 */
public final class SchemaMigrationsImpl implements SchemaMigrations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrationsImpl.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SCAN_PARALLELISM = 4;

    private final DataSource management;
    private final Registry registry;
    private final TenantPools pools;
    private final Duration connectionTimeout;
    private final Map<String, DataPlane> planes;
    private final PhysicalNames names;
    private final TenantMigrationSet set;
    private final MigrationJournal journal;
    private final FanOutRunner runner;
    private final DatabaseScan scan;
    private final OperationRunner operations;
    private final ScheduledExecutorService background;
    private final ScheduledExecutorService flusher;

    public SchemaMigrationsImpl(DataSource management, Registry registry, Map<String, DataPlane> planes, PhysicalNames names,
                                TenantMigrationSet set, SchemaMigrator migrator, TenantPools pools,
                                OperationRunner operations, int connectionBudget,
                                Duration connectionTimeout) {
        this.management = management;
        this.registry = registry;
        this.pools = pools;
        this.connectionTimeout = connectionTimeout;
        this.planes = planes; // a live view: planes added at run time are in it
        this.names = names;
        this.set = set;
        this.operations = operations;
        this.journal = new MigrationJournal(management, operations.journal());
        this.background = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "strata-migrate-background");
            t.setDaemon(true);
            return t;
        });
        this.flusher = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "strata-migrate-progress");
            t.setDaemon(true);
            return t;
        });
        this.runner = new FanOutRunner(management, this.planes, names, set, migrator, pools, journal,
                connectionBudget, connectionTimeout, flusher);
        operations.register(new MigrateHandler(this));
        this.scan = new DatabaseScan(management, this.planes, names, pools, connectionTimeout,
                Math.max(1, Math.min(SCAN_PARALLELISM, connectionBudget / 2)));
    }

    @Override
    public Optional<String> latestVersion() {
        return set.latestVersion();
    }

    @Override
    public List<MigrationTarget> status() {
        return MigrationStatus.read(scan, set, journal);
    }

    @Override
    public MigrationRun apply(ApplyRequest request) {
        MigrationJournal.Claimed claimed = claim(request);
        try (RunningOperation operation = operations.track(claimed.id(), MigrationJournal.KIND)) {
            return runner.run(claimed, operation, request.targets(), request.concurrency(), request.progress());
        }
    }

    /**
     * Starts a run like {@link #apply} and returns its operation at once (for {@code POST
     * /v1/migrations/apply}); the run goes on on a thread of this process, its progress and outcome
     * in the journal. Bad input and a live run are refused here, before anything starts.
     */
    public java.util.UUID applyInBackground(ApplyRequest request) {
        MigrationJournal.Claimed claimed = claim(request);
        Thread thread = new Thread(() -> {
            try (RunningOperation operation = operations.track(claimed.id(), MigrationJournal.KIND)) {
                runner.run(claimed, operation, request.targets(), request.concurrency(), request.progress());
            } catch (RuntimeException e) {
                LOG.error("Migration run {} failed: {}", claimed.id(), e.getMessage());
            }
        }, "strata-migrate-run");
        thread.setDaemon(true);
        thread.start();
        return claimed.id();
    }

    private MigrationJournal.Claimed claim(ApplyRequest request) {
        java.util.Objects.requireNonNull(request, "request");
        if (request.concurrency() < 1) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Migration concurrency must be at least 1, was "
                    + request.concurrency());
        }
        requireKnown(request.targets());
        MigrationJournal.Claimed claimed = journal.open(detail(request.targets(), request.concurrency()));
        String newer = newerThanMine(claimed);
        if (newer != null) {
            operations.journal().abandon(claimed.id());
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Migration run " + claimed.id() + " was interrupted "
                    + "while applying migrations up to version " + newer + ", newer than this process's newest ("
                    + set.latestVersion().orElse("none") + "): finish it from a deployment with those migrations");
        }
        return claimed;
    }

    /** Whether a tenant's schema is behind what its T1 expects ({@code tenants show}). */
    public TenantSchemaStatus tenantSchema(Tenant tenant) {
        return TenantSchemaCheck.check(tenant, registry, planes, pools, connectionTimeout, set);
    }

    @Override
    public List<MigrationDrift> validate() {
        return MigrationValidation.validate(scan, set);
    }

    /**
     * Takes over a run whose owner died (lease expired) and finishes it with the targets and
     * concurrency it was started with; returns it, or empty if there was none.
     */
    public Optional<MigrationRun> resumeInterrupted() {
        Optional<MigrationJournal.Claimed> claimed = journal.claimInterrupted();
        if (claimed.isEmpty()) {
            return Optional.empty();
        }
        if (newerThanMine(claimed.get()) != null) {
            operations.journal().abandon(claimed.get().id());
            LOG.debug("Left interrupted migration run {} to a deployment with newer migrations", claimed.get().id());
            return Optional.empty();
        }
        try (RunningOperation operation = operations.track(claimed.get().id(), MigrationJournal.KIND)) {
            return Optional.of(continueRun(claimed.get(), operation));
        }
    }

    /**
     * Finishes a run claimed by the operations runner (automatic recovery or an operator's resume)
     * with the targets and concurrency it was started with.
     *
     * @throws StrataException {@link ErrorCode#OPERATION_CONFLICT} if it was applying migrations newer
     *         than this process knows (a deployment with them must finish it)
     */
    MigrationRun continueClaimed(JournalEntry entry, RunningOperation operation) {
        MigrationJournal.Claimed claimed = MigrationJournal.claimed(entry);
        String newer = newerThanMine(claimed);
        if (newer != null) {
            operations.journal().abandon(entry.id());
            throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Migration run " + entry.id() + " was applying "
                    + "migrations up to version " + newer + ", newer than this process's newest ("
                    + set.latestVersion().orElse("none") + "): finish it from a deployment with those migrations");
        }
        return continueRun(claimed, operation);
    }

    private MigrationRun continueRun(MigrationJournal.Claimed claimed, RunningOperation operation) {
        Set<String> targets = new LinkedHashSet<>();
        int concurrency = ApplyRequest.all().concurrency();
        try {
            JsonNode detail = JSON.readTree(claimed.detailJson() == null ? "{}" : claimed.detailJson());
            detail.path("targets").forEach(t -> targets.add(t.asText()));
            concurrency = Math.max(1, detail.path("concurrency").asInt(concurrency));
        } catch (java.io.IOException e) {
            LOG.warn("Migration run {} has an unreadable detail; resuming it for every target", claimed.id());
        }
        return runner.run(claimed, operation, targets, concurrency, MigrationProgress.NONE);
    }

    /**
     * What start-up runs: resumes an interrupted run (only if {@code takeOverInterrupted}, the
     * configuration's automatic recovery; otherwise an unfinished run waits for an operator and
     * start-up migrates nothing), else applies every pending migration if any target is behind. A run live in another process is left to it. A template that cannot be
     * migrated fails the start; failed targets are logged (and shown by status) and the start goes on.
     */
    public void migrateAtStartup(boolean takeOverInterrupted) {
        try {
            if (!takeOverInterrupted && interruptedRunWaiting()) {
                LOG.warn("An interrupted migration run waits for an operator (automatic recovery is off): "
                        + "resume or abort it with `strata operations`; start-up migrates nothing meanwhile");
                return;
            }
            Optional<MigrationRun> resumed = takeOverInterrupted ? resumeInterrupted() : Optional.empty();
            MigrationRun run = resumed.isPresent() ? resumed.get()
                    : anyTenantTargetBehind() ? apply(ApplyRequest.all()) : null;
            if (run != null && !run.succeeded()) {
                LOG.error("{} of {} migration targets failed at start-up (see `strata migrate status`; apply again "
                        + "once fixed): {}", run.failed(), run.total(), run.failures());
            }
        } catch (StrataException e) {
            if (e.code() != ErrorCode.OPERATION_CONFLICT) {
                throw e;
            }
            LOG.info("Another process is migrating the tenant schemas: {}", e.getMessage());
        }
    }

    /** Whether a migration run is still marked running (its owner alive or not). */
    private boolean interruptedRunWaiting() {
        return Jdbc.withConnection(management, "look for an unfinished migration run", c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM platform.operations WHERE kind = ? AND state = 'running'")) {
                ps.setString(1, MigrationJournal.KIND.wireName());
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Whether a registered target has pending migrations (the templates are brought up to date by start-up itself). */
    private boolean anyTenantTargetBehind() {
        return scan.scan((c, db) -> PendingDetection.detect(c, db.candidates(), set), false).stream()
                .anyMatch(s -> s.error() != null || s.result().stream().anyMatch(t -> !t.pending().isEmpty()));
    }

    private void requireKnown(Set<String> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Set<String> known = new HashSet<>();
        planes.keySet().forEach(plane -> known.add(TargetDiscovery.template(plane, names).name()));
        Jdbc.withConnection(management, "find the migration targets", TargetDiscovery::discover)
                .forEach(db -> db.candidates().forEach(c -> known.add(c.schema().name())));
        for (String target : targets) {
            if (!known.contains(target)) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "No migration target '" + printable(target)
                        + "': name one as `strata migrate status` lists it (<data plane>/<database>/<schema>)");
            }
        }
    }

    private static String printable(String text) {
        String cut = text.length() > 200 ? text.substring(0, 200) + "..." : text;
        StringBuilder out = new StringBuilder();
        cut.codePoints().forEach(cp -> out.append(Character.isISOControl(cp) ? "?" : Character.toString(cp)));
        return out.toString();
    }

    private String detail(Set<String> targets, int concurrency) {
        ObjectNode node = JSON.createObjectNode();
        targets.forEach(node.putArray("targets")::add);
        node.put("concurrency", concurrency);
        set.latestVersion().ifPresent(v -> node.put("latest", v));
        return node.toString();
    }

    /**
     * The newest version a taken-over run was applying if it is newer than this process's newest
     * (a process with older migrations must not finish it: it would apply less), else {@code null}.
     */
    private String newerThanMine(MigrationJournal.Claimed claimed) {
        if (!claimed.resumed()) {
            return null;
        }
        try {
            JsonNode latest = JSON.readTree(claimed.detailJson() == null ? "{}" : claimed.detailJson()).path("latest");
            if (!latest.isTextual()) {
                return null;
            }
            String mine = set.latestVersion().orElse(null);
            return mine == null || TenantSchemaCheck.compare(latest.asText(), mine) > 0 ? latest.asText() : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    /** The management database (the journal's). */
    DataSource management() {
        return management;
    }

    @Override
    public void close() {
        background.shutdownNow();
        flusher.shutdownNow();
    }
}
