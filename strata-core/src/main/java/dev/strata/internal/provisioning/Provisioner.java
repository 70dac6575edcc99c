package dev.strata.internal.provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Placement;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.registry.TenantRules;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Creates, suspends, resumes and decommissions tenants: the registry rows in the management
 * database and the physical storage on the data plane, journalled so that an interrupted
 * operation is resumed (or rolled back) by whichever process finds its lease expired.
 *
 * <p>Every lifecycle operation takes its T1 subtree's lock ({@link SubtreeLocks}) while it
 * re-reads and re-validates the registry state it depends on and records its status transition;
 * the slow physical work runs after that, under the operation's lease, with the status keeping
 * conflicting operations out (a provisioning child blocks its parent's decommission, a
 * decommissioning parent takes no children, a decommissioning tenant cannot be resumed). Thread-safe.
 */
public final class Provisioner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PROVISION = "provision";
    static final String DECOMMISSION = "decommission";
    /** Journal detail key: the provisioning loads initial data, so after a crash it is rolled back, not completed. */
    private static final String INITIAL_DATA = "initial_data";
    private static final String ROLLBACK = "rollback";

    private final StrataConfig config;
    private final PhysicalNames names;
    private final Registry registry;
    private final DataSource management;
    private final Map<String, TenantDatabases> planes;
    private final Map<String, TenantRemoval> removals;
    private final OperationJournal journal;
    private final OperationLeases leases;
    private final ProvisioningListener listener;
    private final Decommissioner decommissioner;
    private final PlacementGuards guards;

    public Provisioner(StrataConfig config, PhysicalNames names, Registry registry, Map<String, DataPlane> dataPlanes,
                       AppSchemaMigrations migrations, ProvisioningListener listener) {
        this.config = config;
        this.names = names;
        this.registry = registry;
        this.management = registry.dataSource();
        this.journal = new OperationJournal(management, OperationLeases.newOwnerId(), config.operationLease());
        this.leases = new OperationLeases(config.operationLease());
        this.listener = listener;
        Map<String, TenantDatabases> byKey = new java.util.HashMap<>();
        Map<String, TenantRemoval> removalByKey = new java.util.HashMap<>();
        dataPlanes.forEach((key, plane) -> {
            byKey.put(key, new TenantDatabases(plane, names, migrations));
            removalByKey.put(key, new TenantRemoval(plane));
        });
        this.planes = Map.copyOf(byKey);
        this.removals = Map.copyOf(removalByKey);
        this.guards = new PlacementGuards(management, planes);
        this.decommissioner = new Decommissioner(config, registry, journal, leases, removals, guards, planes, listener);
    }

    public OperationJournal journal() {
        return journal;
    }

    /** This process's operations and their heartbeat. */
    public OperationLeases leases() {
        return leases;
    }

    /** Starts renewing this process's leases and, every lease period, taking over operations whose lease expired. */
    public void startHousekeeping() {
        leases.start(journal, this::resumeInterrupted);
    }

    /** Stops the heartbeat: operations this process still works on expire after their lease. */
    @Override
    public void close() {
        leases.close();
    }

    /** Makes sure the one T0 exists. */
    public Tenant ensureOperator() {
        return Jdbc.inTransaction(management, "create the T0 operator", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('strata:t0'))")) {
                ps.execute();
            }
            Optional<Tenant> existing = registry.t0(c);
            if (existing.isPresent()) {
                return existing.get();
            }
            UUID id = UUID.randomUUID();
            registry.insertTenant(c, id, "operator", "Platform operator", Tier.T0, null, TenantStatus.ACTIVE, config.region());
            registry.recordEvent(c, id, "created", "strata", null);
            return registry.findById(c, id).orElseThrow();
        });
    }

    // ---------------------------------------------------------------- create

    /** See {@link dev.strata.Tenants#create}. */
    public Tenant create(NewTenant request, String actor) {
        return create(request, actor, null);
    }

    /** What the registration transaction decided. */
    private record Registration(PlacementPlan plan, UUID operation) {
    }

    /**
     * Creates a tenant and, when {@code initialData} is given, loads it as the journalled step
     * {@code load_data} before the tenant becomes active; a failure there rolls the tenant back.
     * With initial data (an import) the request's id is a preference: a taken id is replaced by a
     * random one. Without, a taken id is refused.
     */
    public Tenant create(NewTenant request, String actor, InitialData initialData) {
        if (request.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "There is exactly one T0 (the operator) and Strata creates it; create T1 or T2 tenants");
        }
        String slug = TenantRules.requireValidSlug(request.slug());
        String displayName = TenantRules.requireValidDisplayName(request.displayName(), slug);
        String region = TenantRules.requireValidRegion(request.region());
        IsolationMode mode = request.mode() != null ? request.mode()
                : request.tier() == Tier.T1 ? IsolationMode.DATABASE : IsolationMode.RLS;

        List<String> warnings = new ArrayList<>();
        Registration registration;
        try {
            registration = Jdbc.inTransaction(management, "register tenant '" + slug + "'", c -> {
                Tenant parent = lockParent(c, request);
                SubtreeLocks.lockSlug(c, slug);
                requireSlugFree(c, slug);
                UUID id = chooseId(c, request.id(), initialData != null);
                registry.insertTenant(c, id, slug, displayName, request.tier(), parent.id(), TenantStatus.PROVISIONING,
                        region == null ? parent.region() : region);
                PlacementPlan p = plan(c, id, slug, request.tier(), mode, parent, warnings);
                registry.insertPlacement(c, id, mode, p.database().dataPlane(), p.database().name(), p.schema());
                String detail = initialData == null
                        ? json("mode", mode.wireName(), "database", p.database().name(), "schema", p.schema())
                        : json("mode", mode.wireName(), "database", p.database().name(), "schema", p.schema(),
                                INITIAL_DATA, "true");
                return new Registration(p, journal.begin(c, PROVISION, id, detail));
            });
        } catch (StrataException e) {
            if ("tenants_live_slug".equals(SqlStates.constraint(e))) {
                throw new StrataException(ErrorCode.DUPLICATE_SLUG,
                        "A live tenant already has the slug '" + slug + "': choose another", e);
            }
            throw e;
        }

        PlacementPlan plan = registration.plan();
        UUID id = plan.tenantId();
        MDC.put("tenant", id.toString());
        try (RunningOperation operation = leases.track(registration.operation(), PROVISION, journal)) {
            try {
                build(plan, operation);
                if (initialData != null) {
                    operation.step("load_data", () -> initialData.load(plan));
                }
                activate(plan, operation, actor, c -> {
                    registry.recordEvent(c, id, "created", actor, json("tier", request.tier().name(), "mode", mode.wireName(),
                            "database", plan.database().name(), "schema", plan.schema()));
                    if (initialData != null) {
                        registry.recordEvent(c, id, "imported", actor, initialData.eventDetailJson());
                    }
                    for (String warning : warnings) {
                        registry.recordEvent(c, id, "schema_limit_warning", "strata", json("message", warning));
                    }
                });
                warnings.forEach(LOG::warn);
                LOG.info("Provisioned {} tenant '{}' in {} mode ({}/{})", request.tier(), slug, mode.wireName(),
                        plan.database().name(), plan.schema());
            } catch (RuntimeException e) {
                LOG.error("Provisioning tenant '{}' failed; rolling back: {}", slug, e.getMessage());
                rollBack(plan, operation, e);
                throw e instanceof StrataException se ? se
                        : new StrataException(ErrorCode.INTERNAL, "Provisioning tenant '" + slug + "' failed: " + e.getMessage(), e);
            }
        } finally {
            MDC.remove("tenant");
        }
        return registry.findById(id).orElseThrow();
    }

    /**
     * The new tenant's parent, re-read and validated under the locks the creation needs: a T2's
     * parent T1's subtree lock (a new T1 needs none: its subtree does not exist yet).
     */
    private Tenant lockParent(Connection c, NewTenant request) throws SQLException {
        if (request.tier() == Tier.T1) {
            Tenant t0 = registry.t0(c).orElseThrow(() -> new StrataException(ErrorCode.INTERNAL, "No T0 operator registered"));
            if (request.parent() != null && !request.parent().isBlank()) {
                requireParentTier(request, resolveExistingParent(c, request.parent()));
            }
            return t0;
        }
        if (request.parent() == null || request.parent().isBlank()) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "A T2 tenant needs a parent: give the id or slug of its T1");
        }
        Tenant resolved = resolveExistingParent(c, request.parent());
        requireParentTier(request, resolved);
        SubtreeLocks.lockSubtree(c, resolved.id());
        Tenant parent = registry.findById(c, resolved.id()).orElseThrow();
        requireTakesChildren(parent);
        return parent;
    }

    private static void requireParentTier(NewTenant request, Tenant parent) {
        if (parent.tier() != request.tier().parentTier()) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "A " + request.tier() + " tenant's parent must be a "
                    + request.tier().parentTier() + ", but '" + parent.slug() + "' is a " + parent.tier());
        }
    }

    /** Refuses a parent that may not get a new child now (checked under its subtree lock). */
    private static void requireTakesChildren(Tenant parent) {
        switch (parent.status()) {
            case ACTIVE -> {
                return;
            }
            case SUSPENDED -> throw new StrataException(ErrorCode.TENANT_SUSPENDED,
                    "Parent tenant '" + parent.slug() + "' is suspended: resume it before adding tenants under it");
            case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Parent tenant '" + parent.slug() + "' is decommissioned");
            case DECOMMISSIONING -> throw new StrataException(ErrorCode.OPERATION_CONFLICT,
                    "Parent tenant '" + parent.slug() + "' is being decommissioned: it takes no new tenants");
            default -> throw new StrataException(ErrorCode.INVALID_STATE,
                    "Parent tenant '" + parent.slug() + "' is " + parent.status().wireName() + "; try again when it is active");
        }
    }

    private Tenant resolveExistingParent(Connection c, String key) throws SQLException {
        try {
            return registry.resolve(c, key);
        } catch (StrataException e) {
            if (e.code() == ErrorCode.TENANT_NOT_FOUND) {
                throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(key.trim())
                        + "' does not exist: name an existing T1 by its id or slug", e);
            }
            throw e;
        }
    }

    /** The new tenant's id: the requested one if it is free (locked so no concurrent creation takes it too). */
    private UUID chooseId(Connection c, UUID requested, boolean preferenceOnly) throws SQLException {
        if (requested == null) {
            return UUID.randomUUID();
        }
        SubtreeLocks.lockNewId(c, requested);
        if (registry.findById(c, requested).isEmpty()) {
            return requested;
        }
        if (preferenceOnly) {
            return UUID.randomUUID();
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant with id " + requested + " already exists");
    }

    private void requireSlugFree(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM platform.tenants WHERE slug = ? AND status <> 'decommissioned'")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    throw new StrataException(ErrorCode.DUPLICATE_SLUG,
                            "A live tenant already has the slug '" + slug + "': choose another");
                }
            }
        }
    }

    /**
     * Makes a provisioned tenant active in one transaction with the end of its operation (fenced:
     * only while this process owns it), after re-checking under the subtree lock that its parent
     * still takes children.
     */
    private void activate(PlacementPlan plan, RunningOperation operation, String actor, Jdbc.SqlAction events) {
        Jdbc.useTransaction(management, "activate tenant '" + plan.slug() + "'", c -> {
            if (plan.tier() == Tier.T2) {
                SubtreeLocks.lockSubtree(c, plan.parentId());
                Tenant parent = registry.findById(c, plan.parentId()).orElseThrow();
                if (parent.status() == TenantStatus.DECOMMISSIONING || parent.status() == TenantStatus.DECOMMISSIONED) {
                    requireTakesChildren(parent);
                }
            }
            if (!registry.updateStatus(c, plan.tenantId(), TenantStatus.PROVISIONING, TenantStatus.ACTIVE)) {
                throw new StrataException(ErrorCode.OPERATION_CONFLICT, "Tenant '" + plan.slug()
                        + "' is no longer being provisioned by this process");
            }
            registry.setPlacementSchemaVersion(c, plan.tenantId(), DatabaseStore.READY);
            journal.finish(c, operation.id(), "succeeded", null);
            events.run(c);
        });
        listener.tenantChanged(plan.tenantId());
    }

    /** Chooses the database and schema for a new tenant and registers a new database if it needs one. */
    private PlacementPlan plan(Connection c, UUID id, String slug, Tier tier, IsolationMode mode, Tenant parent,
                               List<String> warnings) throws SQLException {
        String plane = DataPlane.DEFAULT_KEY;
        if (mode == IsolationMode.DATABASE) {
            String database = names.tenantDatabase(id);
            DatabaseRecord db = DatabaseStore.insertIfAbsent(c, plane, database, DatabasePurpose.TENANT, id,
                    names.appRole(database));
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.APP_SCHEMA, true, false);
        }
        DatabaseRecord db;
        String parentSchema = PhysicalNames.APP_SCHEMA;
        if (tier == Tier.T1) {
            String shared = mode == IsolationMode.RLS ? names.sharedRlsDatabase() : names.sharedSchemaDatabase();
            DatabasePurpose purpose = mode == IsolationMode.RLS ? DatabasePurpose.SHARED_RLS : DatabasePurpose.SHARED_SCHEMA;
            db = DatabaseStore.insertIfAbsent(c, plane, shared, purpose, null, names.appRole(shared));
        } else {
            Placement home = parent.placement();
            db = DatabaseStore.lock(c, home.dataPlane(), home.database()).orElseThrow(() -> new StrataException(
                    ErrorCode.INTERNAL, "Parent '" + parent.slug() + "' is placed in an unknown database " + home.database()));
            parentSchema = home.schema();
            plane = home.dataPlane();
        }
        if (mode == IsolationMode.RLS) {
            return new PlacementPlan(id, slug, tier, parent.id(), mode, db, parentSchema, false, false);
        }
        int schemas = DatabaseStore.countTenantSchemas(c, plane, db.name());
        if (schemas >= config.schemaLimit()) {
            throw new StrataException(ErrorCode.SCHEMA_LIMIT_REACHED, "Database " + db.name() + " already holds " + schemas
                    + " tenant schemas, the configured limit (" + config.schemaLimit() + "): every schema adds catalog "
                    + "entries that slow the whole database down. Create the tenant with mode 'rls' (shared tables) or "
                    + "'database' (a database of its own) instead");
        }
        if (schemas + 1 > config.schemaWarnThreshold()) {
            warnings.add("Database " + db.name() + " now holds " + (schemas + 1) + " tenant schemas, above the warning "
                    + "threshold of " + config.schemaWarnThreshold() + " (limit " + config.schemaLimit()
                    + "); prefer 'rls' or 'database' mode for new tenants");
        }
        return new PlacementPlan(id, slug, tier, parent.id(), mode, db, PhysicalNames.tenantSchema(id), false, true);
    }

    /** The physical steps; each idempotent and journalled. */
    private void build(PlacementPlan plan, RunningOperation operation) {
        TenantDatabases dbs = planeOf(plan.database().dataPlane());
        DatabaseRecord db = plan.database();
        operation.step("database", () -> ensureDatabaseReady(dbs, db));
        if (plan.ownsSchema()) {
            operation.step("schema", () -> guards.withLock(db.dataPlane(), db.name(), m -> {
                dbs.ensureTenantSchema(db.name(), plan.schema(), plan.tenantId(), db.appRole(),
                        SchemaOwners.inDatabase(m, db.dataPlane(), db.name(), null));
                return null;
            }));
        }
        operation.step("register_locally",
                () -> dbs.registerLocally(db.name(), plan.tenantId(), plan.slug(), plan.tier(), plan.parentId()));
        if (!plan.ownsSchema() && PlacementGuards.isTenantSchema(plan.schema())) {
            // An RLS-mode T2 of a schema-mode T1 lives in the T1's schema: it becomes one of its writers
            // (and one of the tenants the database's app tables refuse).
            operation.step("schema_guard", () -> guards.refresh(dbs, db.dataPlane(), db.name(), null));
        }
    }

    /**
     * Brings the placement guard of every database with tenant schemas up to date
     * ({@link TenantSchemaGuard}); run at start-up, after the migrations, so that an existing
     * installation, and tables a migration added, get it too. Changes only what differs.
     */
    public void guardTenantSchemas() {
        guards.guardAll();
    }

    /** Creates a database (own or shared) unless it is already complete; serialised per database. */
    private void ensureDatabaseReady(TenantDatabases dbs, DatabaseRecord db) throws SQLException {
        try (Connection lock = management.getConnection()) {
            String key = "strata:database:" + db.dataPlane() + "/" + db.name();
            try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_lock(hashtext(?))")) {
                ps.setString(1, key);
                ps.execute();
            }
            try {
                Optional<DatabaseRecord> current = DatabaseStore.find(lock, db.dataPlane(), db.name());
                if (current.isPresent() && current.get().schemaVersion() >= DatabaseStore.READY
                        && !current.get().dropped()) {
                    return;
                }
                dbs.ensureAppRole(db.appRole(), db.appPassword());
                dbs.ensureDatabase(db.name(), db.appRole());
                dbs.grantBaseAccess(db.name(), db.appRole());
                DatabaseStore.setSchemaVersion(lock, db.dataPlane(), db.name(), DatabaseStore.READY);
            } finally {
                try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, key);
                    ps.execute();
                }
            }
        }
    }

    /**
     * Removes what a failed provisioning built and then its registration. Journalled as the step
     * {@code rollback}, which is fenced: a process that no longer owns the operation (another one
     * took it over) compensates nothing. If the removal fails, the operation is left for recovery,
     * which finishes the roll-back.
     */
    private void rollBack(PlacementPlan plan, RunningOperation operation, RuntimeException cause) {
        try {
            operation.step(ROLLBACK, () -> removeStorage(plan));
            Jdbc.useTransaction(management, "remove the registration of '" + plan.slug() + "'", c -> {
                journal.finish(c, operation.id(), "rolled_back", cause.getMessage());
                registry.deleteTenantCompletely(c, plan.tenantId());
            });
            listener.tenantChanged(plan.tenantId());
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("Could not roll back provisioning of '{}'; it stays in status provisioning and recovery rolls it "
                    + "back once its lease has expired: {}", plan.slug(), e.getMessage());
        }
    }

    private void removeStorage(PlacementPlan plan) throws SQLException {
        DatabaseRecord db = plan.database();
        TenantRemoval removal = removalOf(db.dataPlane());
        Instant now = Instant.now();
        if (plan.ownsDatabase()) {
            listener.databaseDropping(db.dataPlane(), db.name());
            removal.dropDatabase(db.name(), db.appRole());
        } else {
            if (plan.ownsSchema()) {
                removal.dropSchema(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            } else {
                removal.deleteRows(db.name(), plan.schema(), plan.tenantId(), db.appRole(), now);
            }
            if (plan.ownsSchema() || PlacementGuards.isTenantSchema(plan.schema())) {
                guards.refresh(planeOf(db.dataPlane()), db.dataPlane(), db.name(), plan.tenantId());
            }
        }
    }

    // ---------------------------------------------------------------- suspend / resume

    public Tenant suspend(String key, String actor) {
        return changeStatus(key, TenantStatus.ACTIVE, TenantStatus.SUSPENDED, "suspend", "suspended", actor);
    }

    public Tenant resume(String key, String actor) {
        return changeStatus(key, TenantStatus.SUSPENDED, TenantStatus.ACTIVE, "resume", "resumed", actor);
    }

    private Tenant changeStatus(String key, TenantStatus from, TenantStatus to, String verb, String action, String actor) {
        Tenant found = registry.resolve(key);
        if (found.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be " + action);
        }
        Tenant changed = Jdbc.inTransaction(management, verb + " tenant", c -> {
            SubtreeLocks.lockSubtree(c, subtreeOf(found));
            Tenant tenant = registry.findById(c, found.id()).orElseThrow();
            if (tenant.status() == to) {
                return tenant;
            }
            switch (tenant.status()) {
                case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                        "Tenant '" + tenant.slug() + "' is decommissioned");
                case DECOMMISSIONING -> throw new StrataException(ErrorCode.OPERATION_CONFLICT,
                        "Tenant '" + tenant.slug() + "' is being decommissioned and cannot be " + action);
                default -> {
                    if (tenant.status() != from) {
                        throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + tenant.slug() + "' is "
                                + tenant.status().wireName() + "; only " + from.wireName() + " tenants can be " + action);
                    }
                }
            }
            registry.updateStatus(c, tenant.id(), from, to);
            registry.recordEvent(c, tenant.id(), action, actor, null);
            return registry.findById(c, tenant.id()).orElseThrow();
        });
        listener.tenantChanged(changed.id());
        return changed;
    }

    /** The T1 whose subtree lock covers a T1 or T2 tenant. */
    static UUID subtreeOf(Tenant tenant) {
        return tenant.tier() == Tier.T1 ? tenant.id() : tenant.parentId();
    }

    // ---------------------------------------------------------------- decommission

    /** See {@link dev.strata.Tenants#decommission}. */
    public Tenant decommission(String key, boolean cascade, String actor) {
        return decommissioner.decommission(key, cascade, actor);
    }

    // ---------------------------------------------------------------- recovery

    /**
     * Takes over operations whose lease has expired (their process died or gave them up), one
     * claim at a time: a provisioning is completed, or rolled back if it was an import or had
     * started rolling back; a decommissioning is finished. Operations of a live owner are never
     * touched. Runs at start-up and every lease period.
     */
    public synchronized void resumeInterrupted() {
        Set<UUID> tried = new HashSet<>();
        while (true) {
            Optional<OperationJournal.Pending> claimed = journal.claimExpired(List.of(PROVISION, DECOMMISSION), tried);
            if (claimed.isEmpty()) {
                return;
            }
            OperationJournal.Pending pending = claimed.get();
            tried.add(pending.id());
            try (RunningOperation operation = leases.track(pending.id(), pending.kind(), journal)) {
                recover(pending, operation);
            } catch (RuntimeException e) {
                LOG.error("Could not resume operation {} ({}): {}", pending.id(), pending.kind(), e.getMessage());
            }
        }
    }

    private void recover(OperationJournal.Pending pending, RunningOperation operation) {
        Tenant tenant = registry.findById(pending.tenantId()).orElseThrow();
        MDC.put("tenant", tenant.id().toString());
        try {
            if (DECOMMISSION.equals(pending.kind())) {
                LOG.warn("Taking over the interrupted decommissioning of tenant '{}'", tenant.slug());
                decommissioner.finish(tenant.id(), operation, "strata-recovery");
            } else if (tenant.status() != TenantStatus.PROVISIONING) {
                journal.finish(operation.id(), "succeeded", null);
            } else if (loadsInitialData(pending.detailJson()) || stepStarted(pending.stepsJson(), ROLLBACK)) {
                LOG.warn("Rolling back the interrupted provisioning of tenant '{}'", tenant.slug());
                PlacementPlan plan = planOf(tenant);
                rollBack(plan, operation, new StrataException(ErrorCode.INTERNAL,
                        "Provisioning of tenant '" + tenant.slug() + "' was interrupted"));
            } else {
                LOG.warn("Completing the interrupted provisioning of tenant '{}'", tenant.slug());
                PlacementPlan plan = planOf(tenant);
                build(plan, operation);
                activate(plan, operation, "strata-recovery",
                        c -> registry.recordEvent(c, tenant.id(), "created", "strata-recovery", null));
            }
        } finally {
            MDC.remove("tenant");
        }
    }

    /** The plan of a tenant registered earlier (to complete or roll back its provisioning). */
    private PlacementPlan planOf(Tenant tenant) {
        Placement p = tenant.placement();
        DatabaseRecord db = Jdbc.withConnection(management, "read database",
                c -> DatabaseStore.find(c, p.dataPlane(), p.database())).orElseThrow();
        boolean ownsDb = db.purpose() == DatabasePurpose.TENANT && tenant.id().equals(db.ownerTenantId());
        return new PlacementPlan(tenant.id(), tenant.slug(), tenant.tier(), tenant.parentId(), p.mode(), db,
                p.schema(), ownsDb, p.mode() == IsolationMode.SCHEMA);
    }

    private static boolean loadsInitialData(String detailJson) {
        try {
            return detailJson != null && JSON.readTree(detailJson).path(INITIAL_DATA).asBoolean(false);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static boolean stepStarted(String stepsJson, String step) {
        try {
            for (com.fasterxml.jackson.databind.JsonNode entry : JSON.readTree(stepsJson == null ? "[]" : stepsJson)) {
                if (step.equals(entry.path("step").asText())) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- history

    public List<TenantEvent> history(String key) {
        Tenant tenant = registry.resolve(key);
        return Jdbc.withConnection(management, "read tenant history", c -> {
            List<TenantEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT id, tenant_id, at, action, actor, detail::text FROM platform.tenant_events WHERE tenant_id = ? ORDER BY id")) {
                ps.setObject(1, tenant.id());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TenantEvent(rs.getLong(1), rs.getObject(2, UUID.class), rs.getTimestamp(3).toInstant(),
                                rs.getString(4), rs.getString(5), rs.getString(6)));
                    }
                }
            }
            return out;
        });
    }

    // ---------------------------------------------------------------- helpers

    public TenantDatabases planeOf(String key) {
        TenantDatabases dbs = planes.get(key);
        if (dbs == null) {
            throw new StrataException(ErrorCode.INVALID_CONFIGURATION, "No data plane '" + key + "' is configured");
        }
        return dbs;
    }

    private TenantRemoval removalOf(String key) {
        planeOf(key);
        return removals.get(key);
    }

    static String json(String... keyValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            node.put(keyValues[i], keyValues[i + 1]);
        }
        return node.toString();
    }
}
