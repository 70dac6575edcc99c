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
import dev.strata.internal.migration.Migrations;
import dev.strata.internal.registry.Registry;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates, suspends, resumes and decommissions tenants: the registry rows in the management
 * database and the physical storage on the data plane, journalled so that an interrupted
 * operation is resumed at the next start. Thread-safe.
 */
public final class Provisioner {
    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROVISION = "provision";
    private static final String DECOMMISSION = "decommission";
    /** Journal detail key: the provisioning loads initial data, so after a crash it is rolled back, not completed. */
    private static final String INITIAL_DATA = "initial_data";

    private final StrataConfig config;
    private final PhysicalNames names;
    private final Registry registry;
    private final DataSource management;
    private final Map<String, TenantDatabases> planes;
    private final OperationJournal journal;
    private final ProvisioningListener listener;

    public Provisioner(StrataConfig config, PhysicalNames names, Registry registry, Map<String, DataPlane> dataPlanes,
                       ProvisioningListener listener) {
        this.config = config;
        this.names = names;
        this.registry = registry;
        this.management = registry.dataSource();
        this.journal = new OperationJournal(management);
        this.listener = listener;
        Map<String, TenantDatabases> byKey = new java.util.HashMap<>();
        dataPlanes.forEach((key, plane) -> byKey.put(key, new TenantDatabases(plane, names)));
        this.planes = Map.copyOf(byKey);
    }

    public OperationJournal journal() {
        return journal;
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

    /**
     * Creates a tenant and, when {@code initialData} is given, loads it as the journalled step
     * {@code load_data} before the tenant becomes active; a failure there rolls the tenant back.
     */
    public Tenant create(NewTenant request, String actor, InitialData initialData) {
        if (request.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "There is exactly one T0 (the operator) and Strata creates it; create T1 or T2 tenants");
        }
        String slug = TenantRules.requireValidSlug(request.slug());
        String displayName = TenantRules.requireValidDisplayName(request.displayName(), slug);
        String region = TenantRules.requireValidRegion(request.region());
        UUID id = request.id() == null ? UUID.randomUUID() : request.id();
        IsolationMode mode = request.mode() != null ? request.mode()
                : request.tier() == Tier.T1 ? IsolationMode.DATABASE : IsolationMode.RLS;

        List<String> warnings = new ArrayList<>();
        PlacementPlan plan;
        UUID operation;
        try {
            Object[] out = Jdbc.inTransaction(management, "register tenant '" + slug + "'", c -> {
                Tenant parent = resolveParent(c, request);
                requireSlugFree(c, slug);
                if (request.id() != null && registry.findById(c, id).isPresent()) {
                    throw new StrataException(ErrorCode.INVALID_ARGUMENT, "A tenant with id " + id + " already exists");
                }
                registry.insertTenant(c, id, slug, displayName, request.tier(), parent.id(), TenantStatus.PROVISIONING,
                        region == null ? parent.region() : region);
                PlacementPlan p = plan(c, id, slug, request.tier(), mode, parent, warnings);
                registry.insertPlacement(c, id, mode, p.database().dataPlane(), p.database().name(), p.schema());
                String detail = initialData == null
                        ? json("mode", mode.wireName(), "database", p.database().name(), "schema", p.schema())
                        : json("mode", mode.wireName(), "database", p.database().name(), "schema", p.schema(),
                                INITIAL_DATA, "true");
                UUID op = journal.begin(c, PROVISION, id, detail);
                return new Object[] {p, op};
            });
            plan = (PlacementPlan) out[0];
            operation = (UUID) out[1];
        } catch (StrataException e) {
            if ("tenants_live_slug".equals(SqlStates.constraint(e))) {
                throw new StrataException(ErrorCode.DUPLICATE_SLUG,
                        "A live tenant already has the slug '" + slug + "': choose another", e);
            }
            throw e;
        }

        MDC.put("tenant", id.toString());
        try {
            build(plan, operation);
            if (initialData != null) {
                step(operation, "load_data", () -> initialData.load(plan));
            }
            Jdbc.useTransaction(management, "activate tenant '" + slug + "'", c -> {
                registry.updateStatus(c, id, TenantStatus.PROVISIONING, TenantStatus.ACTIVE);
                registry.setPlacementSchemaVersion(c, id, Migrations.TENANT_SCHEMA_VERSION);
                journal.finish(c, operation, "succeeded", null);
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
        } finally {
            MDC.remove("tenant");
        }
        return registry.findById(id).orElseThrow();
    }

    private Tenant resolveParent(Connection c, NewTenant request) throws SQLException {
        Tenant parent;
        if (request.tier() == Tier.T1) {
            Tenant t0 = registry.t0(c).orElseThrow(() -> new StrataException(ErrorCode.INTERNAL, "No T0 operator registered"));
            if (request.parent() == null || request.parent().isBlank()) {
                return t0;
            }
            parent = resolveExistingParent(c, request.parent());
        } else {
            if (request.parent() == null || request.parent().isBlank()) {
                throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                        "A T2 tenant needs a parent: give the id or slug of its T1");
            }
            parent = resolveExistingParent(c, request.parent());
        }
        if (parent.tier() != request.tier().parentTier()) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "A " + request.tier() + " tenant's parent must be a "
                    + request.tier().parentTier() + ", but '" + parent.slug() + "' is a " + parent.tier());
        }
        switch (parent.status()) {
            case ACTIVE -> {
                return parent;
            }
            case SUSPENDED -> throw new StrataException(ErrorCode.TENANT_SUSPENDED,
                    "Parent tenant '" + parent.slug() + "' is suspended: resume it before adding tenants under it");
            case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Parent tenant '" + parent.slug() + "' is decommissioned");
            default -> throw new StrataException(ErrorCode.INVALID_STATE,
                    "Parent tenant '" + parent.slug() + "' is " + parent.status().wireName() + "; try again when it is active");
        }
    }

    private Tenant resolveExistingParent(Connection c, String key) throws SQLException {
        try {
            Tenant parent = registry.resolve(c, key);
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM platform.tenants WHERE id = ? FOR SHARE")) {
                ps.setObject(1, parent.id());
                ps.execute();
            }
            return registry.findById(c, parent.id()).orElseThrow();
        } catch (StrataException e) {
            if (e.code() == ErrorCode.TENANT_NOT_FOUND) {
                throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(key.trim())
                        + "' does not exist: name an existing T1 by its id or slug", e);
            }
            throw e;
        }
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
    private void build(PlacementPlan plan, UUID operation) {
        TenantDatabases dbs = planeOf(plan.database().dataPlane());
        DatabaseRecord db = plan.database();
        step(operation, "database", () -> ensureDatabaseReady(dbs, db));
        if (plan.ownsSchema()) {
            step(operation, "schema", () -> dbs.ensureTenantSchema(db.name(), plan.schema(), db.appRole()));
        }
        step(operation, "register_locally",
                () -> dbs.registerLocally(db.name(), plan.tenantId(), plan.slug(), plan.tier(), plan.parentId()));
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
                if (current.isPresent() && current.get().schemaVersion() >= Migrations.TENANT_SCHEMA_VERSION
                        && !current.get().dropped()) {
                    return;
                }
                dbs.ensureAppRole(db.appRole(), db.appPassword());
                dbs.ensureDatabase(db.name(), db.appRole());
                dbs.grantBaseAccess(db.name(), db.appRole());
                DatabaseStore.setSchemaVersion(lock, db.dataPlane(), db.name(), Migrations.TENANT_SCHEMA_VERSION);
            } finally {
                try (PreparedStatement ps = lock.prepareStatement("SELECT pg_advisory_unlock(hashtext(?))")) {
                    ps.setString(1, key);
                    ps.execute();
                }
            }
        }
    }

    private void rollBack(PlacementPlan plan, UUID operation, RuntimeException cause) {
        TenantDatabases dbs = planeOf(plan.database().dataPlane());
        DatabaseRecord db = plan.database();
        try {
            if (plan.ownsDatabase()) {
                listener.databaseDropping(db.dataPlane(), db.name());
                dbs.dropDatabase(db.name());
                dbs.dropRole(db.appRole());
            } else {
                if (plan.ownsSchema()) {
                    dbs.dropSchema(db.name(), plan.schema());
                }
                if (dbs.databaseExists(db.name())) {
                    if (!plan.ownsSchema()) {
                        dbs.deleteTenantRows(db.name(), plan.schema(), plan.tenantId());
                    }
                    dbs.unregisterLocally(db.name(), plan.tenantId());
                }
            }
            Jdbc.useTransaction(management, "remove the registration of '" + plan.slug() + "'",
                    c -> registry.deleteTenantCompletely(c, plan.tenantId()));
        } catch (SQLException | RuntimeException e) {
            cause.addSuppressed(e);
            LOG.error("Could not roll back provisioning of '{}'; it stays in status provisioning and is retried at the "
                    + "next start: {}", plan.slug(), e.getMessage());
            try {
                journal.step(operation, "rollback_failed", e.getMessage());
            } catch (RuntimeException journalFailure) {
                cause.addSuppressed(journalFailure);
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
        Tenant changed = Jdbc.inTransaction(management, verb + " tenant", c -> {
            Tenant tenant = lockTenant(c, key);
            if (tenant.tier() == Tier.T0) {
                throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be " + action);
            }
            if (tenant.status() == to) {
                return tenant;
            }
            if (tenant.status() == TenantStatus.DECOMMISSIONED) {
                throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + tenant.slug() + "' is decommissioned");
            }
            if (tenant.status() != from) {
                throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + tenant.slug() + "' is "
                        + tenant.status().wireName() + "; only " + from.wireName() + " tenants can be " + action);
            }
            registry.updateStatus(c, tenant.id(), from, to);
            registry.recordEvent(c, tenant.id(), action, actor, null);
            return registry.findById(c, tenant.id()).orElseThrow();
        });
        listener.tenantChanged(changed.id());
        return changed;
    }

    private Tenant lockTenant(Connection c, String key) throws SQLException {
        Tenant tenant = registry.resolve(c, key);
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM platform.tenants WHERE id = ? FOR UPDATE")) {
            ps.setObject(1, tenant.id());
            ps.execute();
        }
        return registry.findById(c, tenant.id()).orElseThrow();
    }

    // ---------------------------------------------------------------- decommission

    public Tenant decommission(String key, boolean cascade, String actor) {
        Tenant tenant = registry.resolve(key);
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator cannot be decommissioned");
        }
        if (tenant.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + tenant.slug() + "' is already decommissioned");
        }
        List<Tenant> children = Jdbc.withConnection(management, "list children", c -> registry.liveChildren(c, tenant.id()));
        if (!children.isEmpty() && !cascade) {
            throw new StrataException(ErrorCode.HAS_CHILDREN, "Tenant '" + tenant.slug() + "' still has " + children.size()
                    + " live T2 tenant(s) (" + children.stream().map(Tenant::slug).limit(5).reduce((a, b) -> a + ", " + b).orElse("")
                    + "): decommission them first or ask for a cascade");
        }
        for (Tenant child : children) {
            decommission(child.id().toString(), false, actor);
        }
        UUID operation = Jdbc.inTransaction(management, "start decommissioning '" + tenant.slug() + "'", c -> {
            Tenant locked = lockTenant(c, tenant.id().toString());
            if (journal.hasRunning(c, locked.id())) {
                throw new StrataException(ErrorCode.MOVE_CONFLICT,
                        "Another operation is running on tenant '" + locked.slug() + "'; try again when it has finished");
            }
            if (locked.status() == TenantStatus.ACTIVE) {
                registry.updateStatus(c, locked.id(), TenantStatus.ACTIVE, TenantStatus.SUSPENDED);
            } else if (locked.status() != TenantStatus.SUSPENDED) {
                throw new StrataException(ErrorCode.INVALID_STATE,
                        "Tenant '" + locked.slug() + "' is " + locked.status().wireName() + " and cannot be decommissioned now");
            }
            return journal.begin(c, DECOMMISSION, locked.id(), json("previous_status", locked.status().wireName()));
        });
        listener.tenantChanged(tenant.id());
        return finishDecommission(tenant.id(), operation, actor);
    }

    private Tenant finishDecommission(UUID id, UUID operation, String actor) {
        Tenant tenant = registry.findById(id).orElseThrow();
        Placement placement = tenant.placement();
        MDC.put("tenant", id.toString());
        try {
            if (placement != null) {
                TenantDatabases dbs = planeOf(placement.dataPlane());
                Optional<DatabaseRecord> db = Jdbc.withConnection(management, "read database",
                        c -> DatabaseStore.find(c, placement.dataPlane(), placement.database()));
                boolean ownDatabase = db.isPresent() && db.get().purpose() == DatabasePurpose.TENANT
                        && id.equals(db.get().ownerTenantId());
                if (ownDatabase) {
                    step(operation, "drop_database", () -> {
                        listener.databaseDropping(placement.dataPlane(), placement.database());
                        dbs.dropDatabase(placement.database());
                        dbs.dropRole(db.get().appRole());
                    });
                } else if (placement.mode() == IsolationMode.SCHEMA) {
                    step(operation, "drop_schema", () -> {
                        dbs.dropSchema(placement.database(), placement.schema());
                        dbs.unregisterLocally(placement.database(), id);
                    });
                } else {
                    step(operation, "delete_rows", () -> {
                        dbs.deleteTenantRows(placement.database(), placement.schema(), id);
                        dbs.unregisterLocally(placement.database(), id);
                    });
                }
                Jdbc.useTransaction(management, "record the dropped database", c -> {
                    if (ownDatabase) {
                        DatabaseStore.markDropped(c, placement.dataPlane(), placement.database());
                    }
                });
            }
            Tenant done = Jdbc.inTransaction(management, "mark '" + tenant.slug() + "' decommissioned", c -> {
                registry.updateStatus(c, id, TenantStatus.SUSPENDED, TenantStatus.DECOMMISSIONED);
                journal.finish(c, operation, "succeeded", null);
                registry.recordEvent(c, id, "decommissioned", actor, placement == null ? null
                        : json("mode", placement.mode().wireName(), "database", placement.database(), "schema", placement.schema()));
                return registry.findById(c, id).orElseThrow();
            });
            listener.tenantChanged(id);
            LOG.info("Decommissioned tenant '{}'", tenant.slug());
            return done;
        } catch (RuntimeException e) {
            journal.finish(operation, "failed", e.getMessage());
            throw e instanceof StrataException se ? se
                    : new StrataException(ErrorCode.INTERNAL, "Decommissioning '" + tenant.slug() + "' failed: " + e.getMessage(), e);
        } finally {
            MDC.remove("tenant");
        }
    }

    // ---------------------------------------------------------------- recovery

    /** Resumes operations a crash interrupted: provisioning is completed, decommissioning finished. */
    public void resumeInterrupted() {
        for (OperationJournal.Pending pending : journal.running()) {
            try {
                Tenant tenant = registry.findById(pending.tenantId()).orElseThrow();
                LOG.warn("Resuming interrupted {} of tenant '{}'", pending.kind(), tenant.slug());
                if (PROVISION.equals(pending.kind()) && loadsInitialData(pending.detailJson())) {
                    LOG.warn("Rolling back interrupted import of tenant '{}': its data source is gone", tenant.slug());
                    rollBack(planOf(tenant), pending.id(), new StrataException(ErrorCode.INTERNAL,
                            "Import of tenant '" + tenant.slug() + "' was interrupted"));
                    listener.tenantChanged(tenant.id());
                } else if (PROVISION.equals(pending.kind())) {
                    resumeProvisioning(tenant, pending.id());
                } else if (DECOMMISSION.equals(pending.kind())) {
                    finishDecommission(tenant.id(), pending.id(), "strata-recovery");
                } else {
                    LOG.warn("Operation {} of kind {} is left for its own recovery", pending.id(), pending.kind());
                }
            } catch (RuntimeException e) {
                LOG.error("Could not resume operation {} ({}): {}", pending.id(), pending.kind(), e.getMessage());
            }
        }
    }

    private void resumeProvisioning(Tenant tenant, UUID operation) {
        PlacementPlan plan = planOf(tenant);
        build(plan, operation);
        Jdbc.useTransaction(management, "activate tenant", c -> {
            registry.updateStatus(c, tenant.id(), TenantStatus.PROVISIONING, TenantStatus.ACTIVE);
            registry.setPlacementSchemaVersion(c, tenant.id(), Migrations.TENANT_SCHEMA_VERSION);
            journal.finish(c, operation, "succeeded", null);
            registry.recordEvent(c, tenant.id(), "created", "strata-recovery", null);
        });
        listener.tenantChanged(tenant.id());
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

    @FunctionalInterface
    private interface Step {
        void run() throws SQLException;
    }

    private void step(UUID operation, String name, Step step) {
        journal.step(operation, name, "started");
        try {
            step.run();
        } catch (SQLException e) {
            throw Jdbc.databaseError(name.replace('_', ' '), e);
        }
        journal.step(operation, name, "done");
    }

    static String json(String... keyValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            node.put(keyValues[i], keyValues[i + 1]);
        }
        return node.toString();
    }
}
