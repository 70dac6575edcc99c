package dev.strata.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strata.ErrorCode;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.internal.context.TenantTransactions;
import dev.strata.internal.context.TransactionObserver;
import dev.strata.internal.limits.TenantLimitStore;
import dev.strata.internal.metrics.TenantObserver;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.migration.Migrations;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.migration.SchemaMigrationsImpl;
import dev.strata.internal.migration.TenantMigrationSet;
import dev.strata.internal.plane.PlaneRegistry;
import dev.strata.internal.pool.DatabaseKey;
import dev.strata.internal.pool.TenantPools;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.provisioning.Provisioner;
import dev.strata.internal.provisioning.ProvisioningListener;
import dev.strata.internal.provisioning.TemplateDatabase;
import dev.strata.internal.provisioning.TenantDatabases;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.routing.Router;
import dev.strata.internal.routing.RoutingListener;
import dev.strata.internal.sql.Availability;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.TrackedPool;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Everything a running Strata owns: the management pool, the tenant pools, the router and its
 * listener, the provisioner. Built by {@link #start}; closed once.
 */
public final class StrataEngine implements ServerHooks, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StrataEngine.class);

    private final StrataConfig config;
    private final PhysicalNames names;
    private final PlaneRegistry planes;
    private final HikariDataSource management;
    private final Registry registry;
    private final Router router;
    private final RoutingListener listener;
    private final dev.strata.internal.routing.RouterPresence presence;
    private final TenantPools pools;
    private final OperationRunner operations;
    private final Provisioner provisioner;
    private final TenantTransactions transactions;
    private final TransactionObserver observer;
    private final TenantLimitStore limitStore;
    private final ScheduledExecutorService scheduler;
    private final Availability availability;
    private final AppSchemaMigrations tenantMigrations;
    private final SchemaMigrationsImpl migrations;
    private final dev.strata.internal.move.Moves moves;
    private final dev.strata.internal.neon.NeonPlacementsImpl neon;
    private final dev.strata.internal.branch.DevBranches devBranches;
    /** Replaces {@link #neon} for dev branches and restores when set; see {@link #neonPlacementsOverride}. */
    private volatile dev.strata.internal.neon.NeonPlacements placementsOverride;
    private final dev.strata.internal.restore.RestoreStrategies restores = new dev.strata.internal.restore.RestoreStrategies();

    private StrataEngine(StrataConfig config, PhysicalNames names, DataPlane defaultPlane,
                         HikariDataSource management, Availability availability, TransactionObserverFactory observers) {
        this.availability = availability;
        this.config = config;
        this.names = names;
        this.management = management;
        this.registry = new Registry(management);
        this.tenantMigrations = new AppSchemaMigrations(TenantMigrationSet.resolve(config.tenantMigrations()), names);
        this.planes = new PlaneRegistry(management, defaultPlane, this::preparePlane);
        dev.strata.internal.neon.NeonPlacementStore neonStore = new dev.strata.internal.neon.NeonPlacementStore(management);
        this.neon = new dev.strata.internal.neon.NeonPlacementsImpl(planes, neonStore,
                new dev.strata.internal.neon.ColdStarts(config.meterRegistry(), neonStore));
        this.planes.neonAddresses(neon);
        this.planes.neonCheck(new dev.strata.internal.neon.NeonPlaneCheck());
        this.scheduler = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "strata-housekeeping");
            t.setDaemon(true);
            return t;
        });
        this.router = new Router(management, config);
        this.pools = new TenantPools(config, planes, scheduler);
        this.operations = new OperationRunner(management, config.operationLease());
        dev.strata.internal.neon.NeonStorage neonStorage = new dev.strata.internal.neon.NeonStorage(management, neon, names,
                tenantMigrations, dev.strata.internal.analytics.T0Reader.password(defaultPlane.server(), names));
        this.provisioner = new Provisioner(config, names, registry, planes, operations, tenantMigrations, new ProvisioningListener() {
            @Override
            public void tenantChanged(UUID tenantId) {
                router.invalidate(tenantId);
            }

            @Override
            public void tenantRemoving(UUID tenantId) {
                devBranches.deleteAll(tenantId, "strata-decommission");
            }

            @Override
            public void databaseDropping(String dataPlane, String database) {
                pools.closePool(new DatabaseKey(dataPlane, database));
            }
        }, neonStorage);
        this.listener = new RoutingListener(defaultPlane, names.managementDatabase(), router,
                availability, managementDescription(names), planes::invalidate);
        this.presence = new dev.strata.internal.routing.RouterPresence(management, router, config.operationLease(),
                dev.strata.internal.operation.OperationLeases.newOwnerId());
        this.listener.watchFreezes(presence);
        this.limitStore = new TenantLimitStore(management, registry, router, config);
        this.observer = observers.create(this);
        this.transactions = new TenantTransactions(router, pools, observer);
        this.transactions.servingOnlyWith(presence);
        this.moves = new dev.strata.internal.move.Moves(config, names, registry, operations,
                new dev.strata.internal.move.LogicalChangeCapture(),
                new dev.strata.internal.provisioning.MoveStorage(management, names, tenantMigrations, planes::forDatabase,
                        neonStorage,
                        new ProvisioningListener() {
                            @Override
                            public void tenantChanged(UUID tenantId) {
                                router.invalidate(tenantId);
                            }

                            @Override
                            public void databaseDropping(String dataPlane, String database) {
                                pools.closePool(new DatabaseKey(dataPlane, database));
                            }
                        }),
                this::plane, planes::forDatabase, new dev.strata.internal.neon.NeonCaptureSources(neon), router::invalidate);
        this.planes.drainStarter(new dev.strata.internal.drain.Drains(registry, operations, moves));
        this.devBranches = new dev.strata.internal.branch.DevBranches(management, registry, operations,
                this::branchPlacements);
        this.operations.register(new dev.strata.internal.restore.RestoreHandler(this));
        this.restores.register(new dev.strata.internal.restore.NeonPointInTimeRestore(registry, operations,
                this::branchPlacements, new dev.strata.internal.restore.TenantConnectionReset(registry, router, pools)));
        this.migrations = new SchemaMigrationsImpl(management, registry, planes.asMap(), names, tenantMigrations.set(),
                tenantMigrations.migrator(), pools, operations, config.connectionBudget(),
                config.connectionTimeout());
    }

    /**
     * Creates what is missing, migrates what is behind, resumes interrupted operations. Tenant
     * transactions run under a {@link TenantObserver}: limits, metrics, activity.
     */
    public static StrataEngine start(StrataConfig config) {
        return start(config, engine -> new TenantObserver(engine.config, engine.management, engine.scheduler,
                engine.router::isCached));
    }

    /** Makes the observer of tenant transactions once the engine exists. */
    @FunctionalInterface
    public interface TransactionObserverFactory {
        TransactionObserver create(StrataEngine engine);
    }

    public static StrataEngine start(StrataConfig config, TransactionObserverFactory observers) {
        PhysicalNames names = new PhysicalNames(config.namespace());
        DataPlane plane = new DataPlane(DataPlane.DEFAULT_KEY, config.server(), config.pooledServer());
        ensureManagementDatabase(plane, names);
        Availability availability = new Availability();
        HikariDataSource management;
        try {
            management = managementPool(plane, names, availability);
        } catch (RuntimeException e) {
            throw SqlStates.isUnavailable(e) ? unreachable(plane, e) : e;
        }
        StrataEngine engine = null;
        try {
            Migrations.migrateManagement(management);
            engine = new StrataEngine(config, names, plane, management, availability, observers);
            engine.prepareDataPlanes();
            engine.provisioner.guardTenantSchemas();
            engine.provisioner.ensureOperator();
            engine.presence.start(engine.scheduler);
            engine.listener.start();
            // Takes over only operations whose lease has expired: those of a live process (even one
            // that started up at the same time) are never touched. Then again every lease period.
            engine.operations.startHousekeeping(config.automaticRecovery());
            if (config.automaticRecovery()) {
                engine.operations.recoverExpired();
            }
            // The app schemas behind the configured migrations, outside the start-up lock: a run live
            // in another process is left to it (and taken over only once its lease has expired).
            engine.migrations.migrateAtStartup(config.automaticRecovery());
            LOG.info("Strata started: namespace '{}' on {}", names.namespace(), config.server());
            return engine;
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.close();
            } else {
                management.close();
            }
            if (e instanceof StrataException se && se.code() != ErrorCode.DATABASE_ERROR && se.code() != ErrorCode.INTERNAL) {
                throw se;
            }
            if (SqlStates.isUnavailable(e)) {
                throw unreachable(plane, e);
            }
            throw e instanceof StrataException se ? se
                    : new StrataException(ErrorCode.INTERNAL, "Strata failed to start: " + e.getMessage(), e);
        }
    }

    /** How logs and errors name the management database. */
    private static String managementDescription(PhysicalNames names) {
        return "the management database '" + names.managementDatabase() + "'";
    }

    private static StrataException unreachable(DataPlane plane, Throwable cause) {
        return new StrataException(ErrorCode.DATABASE_UNAVAILABLE, "Strata cannot start: PostgreSQL at "
                + plane.server().host() + ":" + plane.server().port() + " is unavailable (" + SqlStates.rootMessage(cause)
                + "). Start it, or check the database URL", cause);
    }

    private static void ensureManagementDatabase(DataPlane plane, PhysicalNames names) {
        String database = names.managementDatabase();
        try (Connection c = plane.openAdmin(plane.server().database()); Statement s = c.createStatement()) {
            if (!dev.strata.internal.sql.Catalog.databaseExists(c, database)) {
                try {
                    s.execute("CREATE DATABASE " + quote(database) + " TEMPLATE template0 ENCODING 'UTF8'");
                    LOG.info("Created management database {}", database);
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.DUPLICATE_DATABASE)) {
                        throw e;
                    }
                }
                s.execute("REVOKE ALL ON DATABASE " + quote(database) + " FROM PUBLIC");
            }
        } catch (SQLException e) {
            if (SqlStates.isUnavailableAtConnect(e)) {
                throw unreachable(plane, e);
            }
            throw new StrataException(ErrorCode.DATABASE_ERROR, "Cannot prepare the management database '" + database
                    + "' on " + plane.server() + ": " + e.getMessage()
                    + ". Strata needs a superuser or a role with CREATEDB and CREATEROLE", e);
        }
    }

    /**
     * How long a caller waits for a management connection: with the management database down,
     * every request that needs it fails with {@link ErrorCode#DATABASE_UNAVAILABLE} after this.
     */
    static final long MANAGEMENT_CONNECTION_TIMEOUT_MILLIS = 2_000;

    private static HikariDataSource managementPool(DataPlane plane, PhysicalNames names, Availability availability) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("strata:management");
        hc.setDataSource(plane.adminDataSource(names.managementDatabase()));
        hc.setMaximumPoolSize(6);
        hc.setMinimumIdle(1);
        hc.setConnectionTimeout(MANAGEMENT_CONNECTION_TIMEOUT_MILLIS);
        hc.setRegisterMbeans(false);
        return new TrackedPool(hc, availability, managementDescription(names));
    }

    /**
     * Registers the default plane, prepares every plane (the T1 context role, the template at the
     * newest migration) and migrates what is behind. A plane added at run time that cannot be
     * reached now is skipped with a warning: its tenants fail until it is back, the rest work.
     */
    private void prepareDataPlanes() {
        Jdbc.withConnection(management, "prepare the data planes", lock -> {
            try (Statement s = lock.createStatement()) {
                s.execute("SELECT pg_advisory_lock(hashtext('strata:startup'))");
            }
            try {
                try {
                    planes.recordDefault(lock, config.region());
                } catch (SQLException e) {
                    if (!SqlStates.is(e, SqlStates.UNIQUE_VIOLATION)) {
                        throw e;
                    }
                    LOG.warn("The configured server {} is also registered as another data plane: {}", config.server(),
                            SqlStates.rootMessage(e));
                }
                for (DataPlane plane : planes.all()) {
                    try {
                        preparePlane(plane);
                    } catch (SQLException | RuntimeException e) {
                        if (DataPlane.DEFAULT_KEY.equals(plane.key())) {
                            throw e;
                        }
                        LOG.warn("Data plane '{}' could not be prepared ({}): its tenants may fail until it is back",
                                plane.key(), SqlStates.rootMessage(e));
                    }
                }
                migrateBehind(lock);
            } finally {
                try (Statement s = lock.createStatement()) {
                    s.execute("SELECT pg_advisory_unlock(hashtext('strata:startup'))");
                }
            }
            return null;
        });
    }

    /** Makes a server ready for tenant databases: the T1 context role, the template at the newest migration. */
    private void preparePlane(DataPlane plane) throws SQLException {
        TenantDatabases.ensureT1ContextRole(plane, names);
        dev.strata.internal.analytics.T0Reader.ensure(plane, names);
        TemplateDatabase.ensureCurrent(plane, names, tenantMigrations);
    }

    /**
     * Brings every tenant database's {@code platform} schema (Strata's own, Flyway-managed) to the
     * newest version. The app schemas are the fan-out's ({@link SchemaMigrationsImpl#migrateAtStartup}).
     */
    private void migrateBehind(Connection c) throws SQLException {
        for (DatabaseRecord db : DatabaseStore.live(c)) {
            if (db.schemaVersion() < DatabaseStore.READY) {
                continue; // still being built by provisioning, which copies it from the (current) template
            }
            DataPlane plane = planes.find(db.dataPlane()).orElse(null);
            if (plane == null) {
                LOG.warn("Database {} is on data plane '{}', which is not registered", db.name(), db.dataPlane());
                continue;
            }
            try (Connection admin = plane.openAdmin(db.name())) {
                if (Migrations.platformBehind(admin)) {
                    LOG.info("Migrating the platform schema of database {}", db.name());
                    Migrations.migratePlatform(plane.adminDataSource(db.name()), names);
                }
            } catch (SQLException | RuntimeException e) {
                if (SqlStates.is(e, SqlStates.INVALID_CATALOG_NAME)) {
                    // dropped behind Strata's back, or by a decommission that died before recording it: starting
                    // lets the recovery finish that decommission; its tenants get DATABASE_ERROR, the audit reports it
                    LOG.error("Database {} on data plane '{}' is registered but does not exist: its tenants fail until "
                            + "it is restored or they are decommissioned ('strata audit' lists it)", db.name(), plane.key());
                    continue;
                }
                if (DataPlane.DEFAULT_KEY.equals(plane.key()) || !SqlStates.isUnavailable(e)) {
                    throw e;
                }
                LOG.warn("Database {} on data plane '{}' is unavailable ({}); its platform schema is migrated at the next start",
                        db.name(), plane.key(), SqlStates.rootMessage(e));
            }
        }
    }

    /** The application's tenant migrations and the migrator (the fan-out uses them too). */
    public AppSchemaMigrations tenantMigrations() {
        return tenantMigrations;
    }

    public StrataConfig config() {
        return config;
    }

    public PhysicalNames names() {
        return names;
    }

    /**
     * Every data plane by key, a live view of the registry: planes added at run time (by any
     * process) are in it.
     */
    @Override
    public Map<String, DataPlane> planes() {
        return planes.asMap();
    }

    /**
     * How to reach a data plane, including one another process added since this one started.
     *
     * @throws StrataException {@link ErrorCode#PLANE_NOT_FOUND}
     */
    @Override
    public DataPlane plane(String key) {
        return planes.plane(key);
    }

    /**
     * Where T1s on Neon planes live and the API client of each Neon plane (dev branches and
     * point-in-time restore build on it).
     */
    public dev.strata.internal.neon.NeonPlacements neonPlacements() {
        return neon;
    }

    @Override
    public java.util.Optional<dev.strata.internal.neon.NeonPlacementRecord> neonCompute(UUID tenantId) {
        return neon.recordOf(tenantId);
    }

    /** The Neon planes' placements, addresses and settings (the implementation behind {@link #neonPlacements()}). */
    public dev.strata.internal.neon.NeonPlacementsImpl neonPlane() {
        return neon;
    }

    /** The data plane registry: add, list, drain, and the hook of the DRAIN operation. */
    @Override
    public PlaneRegistry planeRegistry() {
        return planes;
    }

    @Override
    public HikariDataSource management() {
        return management;
    }

    @Override
    public dev.strata.internal.archive.TenantArchives archives() {
        return new dev.strata.internal.archive.TenantArchives(this);
    }

    /** Which databases are reachable, as the last connection attempts said. */
    public Availability availability() {
        return availability;
    }

    public Registry registry() {
        return registry;
    }

    public Router router() {
        return router;
    }

    /** This process as a router: its lease and its acknowledgements of moves' freezes. */
    public dev.strata.internal.routing.RouterPresence presence() {
        return presence;
    }

    @Override
    public TenantPools pools() {
        return pools;
    }

    public Provisioner provisioner() {
        return provisioner;
    }

    /** The runner of long operations: journal, leases, recovery. */
    public OperationRunner operations() {
        return operations;
    }

    public TenantTransactions transactions() {
        return transactions;
    }

    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /** The hooks around every tenant transaction. */
    public TransactionObserver observer() {
        return observer;
    }

    /** The application's tenant migrations across every app schema: status, the fan-out, validation. */
    public SchemaMigrationsImpl migrations() {
        return migrations;
    }

    /**
     * The point-in-time restores of the planes that keep a history (Neon's registers itself here);
     * a tenant none of them supports is restored from its backups.
     */
    public dev.strata.internal.restore.RestoreStrategies restores() {
        return restores;
    }

    /** Online tenant moves. */
    public dev.strata.internal.move.Moves moves() {
        return moves;
    }

    /** Dev and staging branches of T1s on Neon planes. */
    public dev.strata.internal.branch.DevBranches devBranches() {
        return devBranches;
    }

    /**
     * Replaces where dev branches and restores look T1s on Neon planes up (tests that place a T1 on a
     * neon-local project themselves).
     */
    public void neonPlacementsOverride(dev.strata.internal.neon.NeonPlacements placements) {
        this.placementsOverride = placements;
    }

    private dev.strata.internal.neon.NeonPlacements branchPlacements() {
        dev.strata.internal.neon.NeonPlacements override = placementsOverride;
        return override != null ? override : neon;
    }

    public TenantLimitStore limitStore() {
        return limitStore;
    }

    /**
     * Per-tenant activity.
     *
     * @throws StrataException {@link ErrorCode#INVALID_STATE} if the engine runs without a {@link TenantObserver}
     */
    public dev.strata.Activity activity() {
        if (observer instanceof TenantObserver tenantObserver) {
            return tenantObserver.activity();
        }
        throw new StrataException(ErrorCode.INVALID_STATE, "This engine was started without activity tracking");
    }

    @Override
    public void close() {
        if (migrations != null) {
            migrations.close();
        }
        operations.close();
        presence.close();
        listener.close();
        if (observer instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing the transaction observer failed: {}", e.getMessage());
            }
        }
        scheduler.shutdownNow();
        pools.close();
        management.close();
    }
}
