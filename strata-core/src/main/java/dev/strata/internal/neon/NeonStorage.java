package dev.strata.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NeonOptions;
import dev.strata.StrataException;
import dev.strata.internal.analytics.T0Reader;
import dev.strata.internal.migration.AppSchema;
import dev.strata.internal.migration.AppSchemaMigrations;
import dev.strata.internal.migration.Migrations;
import dev.strata.internal.operation.NeonStep;
import dev.strata.internal.operation.ProvisionStep;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.plane.NeonPlaneSettings;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.provisioning.ExternalPlanes;
import dev.strata.internal.provisioning.PlacementPlan;
import dev.strata.internal.provisioning.TenantDatabases;
import dev.strata.internal.sql.Catalog;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import dev.strata.internal.sql.SqlStates;
import dev.strata.migration.MigrationTargetKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.net.URI;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static dev.strata.internal.sql.Identifiers.literal;
import static dev.strata.internal.sql.Identifiers.quote;

/**
 * T1 databases on Neon planes ({@link ExternalPlanes}). A T1 gets, as journalled steps of its
 * provisioning:
 * <ol>
 *   <li>{@link NeonStep#NEON_PROJECT} (project placement): a Neon project of its own named
 *       {@code strata-<namespace>-<tenant id>} in the plane's region, its default branch holding a database
 *       of the T1 database's name; or {@link NeonStep#NEON_BRANCH} (branch placement): a branch named
 *       {@code t1-<tenant id>} of the template branch in a shared project, which inherits its schema and
 *       data; a project at Neon's branch limit (422 {@code BRANCHES_LIMIT_EXCEEDED}) is marked full and the
 *       T1 spills into a new shared project. Names come from the tenant id and are looked up before
 *       anything is created, so a provisioning interrupted between Neon's answer and Strata's record
 *       finds what it made.</li>
 *   <li>{@link ProvisionStep#DATABASE}: as Neon's owner role, with SQL: the T1 context role, the T0 reader
 *       and the T1's app role (a login that is no superuser, cannot bypass RLS and is no member of
 *       {@code neon_superuser}), database-level grants, Strata's platform schema and the application's
 *       migrations at the current version.</li>
 * </ol>
 * Decommissioning deletes the project or the branch. Thread-safe.
 */
public final class NeonStorage implements ExternalPlanes {
    private static final Logger LOG = LoggerFactory.getLogger(NeonStorage.class);
    /** The role Neon creates with each project: Strata administers the T1's database as it. */
    static final String OWNER_ROLE = "strata_owner";
    /** Neon's role of roles made through its API (not of roles made with SQL). */
    static final String NEON_SUPERUSER = "neon_superuser";

    private final DataSource management;
    private final NeonPlacementsImpl neon;
    private final PhysicalNames names;
    private final AppSchemaMigrations migrations;
    private final String readerPassword;

    /** @param readerPassword the T0 reader's password on Neon planes (never logged) */
    public NeonStorage(DataSource management, NeonPlacementsImpl neon, PhysicalNames names, AppSchemaMigrations migrations,
                       String readerPassword) {
        this.readerPassword = readerPassword;
        this.management = management;
        this.neon = neon;
        this.names = names;
        this.migrations = migrations;
    }

    @Override
    public boolean handles(String planeKey) {
        return neon.isNeon(planeKey);
    }

    @Override
    public void build(PlacementPlan plan, RunningOperation operation) {
        NeonPlaneSettings settings = neon.settings(plan.database().dataPlane());
        if (settings.placement() == NeonOptions.Layout.PROJECT) {
            operation.step(NeonStep.NEON_PROJECT, () -> placeInOwnProject(plan, settings));
        } else {
            operation.step(NeonStep.NEON_BRANCH, () -> placeInBranch(plan, settings));
        }
        operation.step(ProvisionStep.DATABASE, () -> setUp(plan.database(), plan.tenantId()));
    }

    @Override
    public TenantDatabases databases(String planeKey, String database) {
        return new TenantDatabases(neon.of(planeKey, database), names, migrations);
    }

    @Override
    public void remove(UUID tenantId, String planeKey, String database) {
        Optional<NeonPlacementRecord> record = neon.store().ofTenant(tenantId);
        NeonApi api = neon.api(planeKey);
        if (record.isPresent()) {
            NeonPlacement p = record.get().placement();
            if (neon.settings(planeKey).placement() == NeonOptions.Layout.PROJECT) {
                api.deleteProject(p.projectId());
                neon.store().markProjectDeleted(planeKey, p.projectId());
            } else {
                api.deleteBranch(p.projectId(), p.branchId());
            }
            neon.store().markRemoved(tenantId);
            neon.forget(planeKey, database);
            LOG.info("Deleted the Neon {} of tenant {} on plane '{}'", neon.settings(planeKey).placement().wireName(),
                    tenantId, planeKey);
            return;
        }
        // interrupted before its placement was recorded: whatever Neon made under the tenant's names goes
        Optional<JsonNode> project = findProject(api, projectName(tenantId));
        if (project.isPresent()) {
            api.deleteProject(project.get().path("id").asText());
        }
        for (NeonPlacementStore.NeonProjectRecord shared : neon.store().sharedProjects(planeKey)) {
            for (NeonBranch b : api.listBranches(shared.projectId())) {
                if (b.name().equals(branchName(tenantId))) {
                    api.deleteBranch(shared.projectId(), b.id());
                }
            }
        }
    }

    // --- project placement -----------------------------------------------------------------------

    private void placeInOwnProject(PlacementPlan plan, NeonPlaneSettings settings) {
        UUID tenant = plan.tenantId();
        if (neon.store().ofTenant(tenant).isPresent()) {
            return;
        }
        NeonApi api = neon.api(settings.key());
        String name = projectName(tenant);
        String database = plan.database().name();
        String projectId;
        String branchId;
        String password;
        Optional<JsonNode> existing = findProject(api, name);
        if (existing.isPresent()) {
            projectId = existing.get().path("id").asText();
            branchId = api.listBranches(projectId).stream().filter(NeonBranch::isDefault).findFirst()
                    .map(NeonBranch::id).orElseThrow(() -> new StrataException(ErrorCode.DATA_PLANE_FAILED,
                            "Neon project " + projectId + " of tenant " + tenant + " has no default branch"));
            password = api.revealPassword(projectId, branchId, OWNER_ROLE);
            LOG.info("Found Neon project {} ({}) made for tenant {} before an interruption", name, projectId, tenant);
        } else {
            NeonProject project = api.createProject(name, settings.region(), database, OWNER_ROLE);
            projectId = project.id();
            branchId = project.defaultBranchId();
            password = project.password();
        }
        neon.store().recordProject(new NeonPlacementStore.NeonProjectRecord(settings.key(), projectId, name, "tenant",
                null, false));
        record(api, tenant, settings.key(), projectId, branchId, database, database, password);
    }

    // --- branch placement ------------------------------------------------------------------------

    private void placeInBranch(PlacementPlan plan, NeonPlaneSettings settings) throws SQLException {
        UUID tenant = plan.tenantId();
        if (neon.store().ofTenant(tenant).isPresent()) {
            return;
        }
        NeonApi api = neon.api(settings.key());
        String templateDatabase = firstDatabase(api, settings.templateProject(), settings.templateBranch());
        for (int attempt = 0; attempt < 100; attempt++) {
            NeonPlacementStore.NeonProjectRecord shared = sharedProject(api, settings, templateDatabase);
            Optional<NeonBranch> mine = api.listBranches(shared.projectId()).stream()
                    .filter(b -> b.name().equals(branchName(tenant))).findFirst();
            NeonBranch branch;
            if (mine.isPresent()) {
                branch = mine.get();
            } else {
                try {
                    branch = api.createBranch(shared.projectId(), shared.templateBranchId(), branchName(tenant), null);
                } catch (NeonCallException e) {
                    if (!e.branchLimitExceeded()) {
                        throw e;
                    }
                    LOG.info("Neon project {} of plane '{}' reached its branch limit: new T1s go to a new project",
                            shared.projectId(), settings.key());
                    neon.store().markAtBranchLimit(settings.key(), shared.projectId());
                    continue;
                }
            }
            String owner = ownerRoleOf(api, shared.projectId(), branch.id(), templateDatabase);
            String password = api.revealPassword(shared.projectId(), branch.id(), owner);
            record(api, tenant, settings.key(), shared.projectId(), branch.id(), templateDatabase, plan.database().name(),
                    password);
            return;
        }
        throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "No Neon project of plane '" + settings.key()
                + "' took a branch for tenant " + tenant);
    }

    /**
     * The shared project new T1 branches go into: the template's own first, then, once it is at
     * Neon's branch limit, a project Strata makes (a branch cannot be made from another project's,
     * so a spill project's default branch is Strata's template: the platform schema and the
     * application's migrations, without the template's seed data).
     */
    private NeonPlacementStore.NeonProjectRecord sharedProject(NeonApi api, NeonPlaneSettings settings,
                                                               String templateDatabase) throws SQLException {
        List<NeonPlacementStore.NeonProjectRecord> shared = neon.store().sharedProjects(settings.key());
        if (shared.isEmpty()) {
            NeonPlacementStore.NeonProjectRecord template = new NeonPlacementStore.NeonProjectRecord(settings.key(),
                    settings.templateProject(), "template", "shared", settings.templateBranch(), false);
            neon.store().recordProject(template);
            return template;
        }
        for (NeonPlacementStore.NeonProjectRecord p : shared) {
            if (!p.atBranchLimit()) {
                return p;
            }
        }
        String name = "strata-" + names.namespace().replace('_', '-') + "-" + settings.key() + "-" + (shared.size() + 1);
        Optional<JsonNode> existing = findProject(api, name);
        String projectId;
        String branchId;
        String password;
        if (existing.isPresent()) {
            projectId = existing.get().path("id").asText();
            branchId = api.listBranches(projectId).stream().filter(NeonBranch::isDefault).findFirst().map(NeonBranch::id)
                    .orElseThrow();
            password = api.revealPassword(projectId, branchId, OWNER_ROLE);
        } else {
            NeonProject project = api.createProject(name, settings.region(), templateDatabase, OWNER_ROLE);
            projectId = project.id();
            branchId = project.defaultBranchId();
            password = project.password();
        }
        URI direct = api.connectionUri(projectId, branchId, templateDatabase, OWNER_ROLE, false);
        DataPlane template = DataPlane.ofOneDatabase(settings.key(), new dev.strata.PostgresServer(direct.getHost(),
                direct.getPort() > 0 ? direct.getPort() : 5432, OWNER_ROLE, password, templateDatabase,
                java.util.Map.of("sslmode", "https".equals(settings.apiUrl().getScheme()) ? "require" : "disable")),
                null, neon.coldStarts().waker(settings.key(), templateDatabase, settings.coldStartTimeout()));
        prepareTemplate(template, settings.key(), templateDatabase);
        NeonPlacementStore.NeonProjectRecord spill = new NeonPlacementStore.NeonProjectRecord(settings.key(), projectId,
                name, "shared", branchId, false);
        neon.store().recordProject(spill);
        LOG.info("Neon plane '{}': new T1 branches go to project {} ({})", settings.key(), name, projectId);
        return spill;
    }

    private static String firstDatabase(NeonApi api, String projectId, String branchId) {
        JsonNode answer = api.call("listProjectBranchDatabases", "GET", "/projects/" + projectId + "/branches/" + branchId
                + "/databases", null);
        for (JsonNode d : answer.path("databases")) {
            return d.path("name").asText();
        }
        throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "The template branch " + branchId + " of Neon project "
                + projectId + " has no database");
    }

    // --- shared -------------------------------------------------------------------------------

    private void record(NeonApi api, UUID tenant, String planeKey, String projectId, String branchId, String neonDatabase,
                        String strataDatabase, String password) {
        String endpointId = api.listBranches(projectId).stream().filter(b -> b.id().equals(branchId)).findFirst()
                .map(NeonBranch::endpointId).orElse(null);
        if (endpointId == null) {
            throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon branch " + branchId + " of project " + projectId
                    + " has no read-write endpoint");
        }
        String owner = ownerRoleOf(api, projectId, branchId, neonDatabase);
        URI direct = api.connectionUri(projectId, branchId, neonDatabase, owner, false);
        URI pooled = api.connectionUri(projectId, branchId, neonDatabase, owner, true);
        int pooledPort = pooled.getPort() > 0 ? pooled.getPort() : 5432;
        neon.store().record(new NeonPlacementRecord(tenant, new NeonPlacement(planeKey, projectId, branchId, endpointId,
                neonDatabase, owner), password, direct.getHost(), direct.getPort() > 0 ? direct.getPort() : 5432,
                pooled.getHost(), pooledPort, 0, null, null, strataDatabase));
        neon.forget(planeKey, strataDatabase);
    }

    private static String ownerRoleOf(NeonApi api, String projectId, String branchId, String database) {
        JsonNode answer = api.call("listProjectBranchDatabases", "GET", "/projects/" + projectId + "/branches/" + branchId
                + "/databases", null);
        for (JsonNode d : answer.path("databases")) {
            if (d.path("name").asText().equals(database)) {
                return d.path("owner_name").asText();
            }
        }
        return OWNER_ROLE;
    }

    /**
     * Sets a T1's Neon database up as Strata needs it, as the owner role, with SQL; idempotent and
     * serialised per database (like a copy of the template on a server plane).
     */
    void setUp(DatabaseRecord db, UUID tenant) throws SQLException {
        Optional<DatabaseRecord> current = Jdbc.withConnection(management, "read database " + db.name(),
                c -> DatabaseStore.find(c, db.dataPlane(), db.name()));
        if (current.isPresent() && current.get().schemaVersion() >= DatabaseStore.READY && !current.get().dropped()) {
            return;
        }
        DataPlane plane = neon.of(db.dataPlane(), db.name());
        TenantDatabases dbs = new TenantDatabases(plane, names, migrations);
        ensureSharedRoles(plane, db.name());
        dbs.ensureAppRole(db.appRole(), db.appPassword());
        try (Connection c = plane.openAdmin(db.name()); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());"
                    + " EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I, %I', current_database(), "
                    + literal(db.appRole()) + ", " + literal(names.t0ReaderRole()) + "); END $$");
        }
        Migrations.migratePlatform(plane.adminDataSource(db.name()), names);
        try (Connection c = plane.openAdmin(db.name())) {
            migrations.migrate(c, new AppSchema(db.dataPlane(), db.name(), PhysicalNames.APP_SCHEMA,
                    MigrationTargetKind.DATABASE, tenant));
        }
        dbs.grantBaseAccess(db.name(), db.appRole());
        Jdbc.useTransaction(management, "record database " + db.name() + " ready",
                c -> DatabaseStore.setSchemaVersion(c, db.dataPlane(), db.name(), DatabaseStore.READY));
    }

    /** A spill project's default branch as Strata's template: shared roles, platform schema, app migrations. */
    private void prepareTemplate(DataPlane plane, String planeKey, String database) throws SQLException {
        ensureSharedRoles(plane, database);
        Migrations.migratePlatform(plane.adminDataSource(database), names);
        try (Connection c = plane.openAdmin(database)) {
            migrations.migrate(c, new AppSchema(planeKey, database, PhysicalNames.APP_SCHEMA, MigrationTargetKind.TEMPLATE,
                    null));
        }
    }

    /**
     * The T1 context role and the T0 reader, which logs in with its password (set again each time:
     * a branch inherits its parent's roles, and a reader made before it could log in gets it).
     */
    private void ensureSharedRoles(DataPlane plane, String database) throws SQLException {
        try (Connection c = plane.openAdmin(database)) {
            ensureSharedRoles(c, names, readerPassword);
        }
    }

    /**
     * Makes the T1 context role if missing, and the T0 reader if missing with its login and
     * {@code readerPassword} (set again if it exists), on a connection to a Neon T1 database as its
     * owner. Also how a reader made before it could log in gets its login (T0 analytics call it when
     * the reader is refused).
     */
    public static void ensureSharedRoles(Connection c, PhysicalNames names, String readerPassword) throws SQLException {
        // roles are cluster-wide: another database of the same cluster may be setting them at this moment
        for (int attempt = 1; ; attempt++) {
            try {
                ensureSharedRolesOnce(c, names, readerPassword);
                return;
            } catch (SQLException e) {
                if (attempt >= 5 || !SqlStates.isConcurrentCatalogUpdate(e)) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void ensureSharedRolesOnce(Connection c, PhysicalNames names, String readerPassword)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            // Roles every T1 database shares are made as neon_superuser where the owner may act as it, so
            // that every owner administers them (Neon computes of one account share nothing, but a
            // branch inherits its parent's roles).
            boolean asNeonSuperuser = Catalog.roleExists(c, NEON_SUPERUSER) && canSetRole(c, NEON_SUPERUSER);
            if (asNeonSuperuser) {
                s.execute("SET ROLE " + quote(NEON_SUPERUSER));
            }
            try {
                createRoleIfMissing(c, s, names.t1ContextRole(),
                        " NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS");
                createRoleIfMissing(c, s, names.t0ReaderRole(), T0Reader.attributes(readerPassword));
                s.execute("ALTER ROLE " + quote(names.t0ReaderRole()) + " LOGIN PASSWORD " + literal(readerPassword));
                if (asNeonSuperuser) {
                    // the reader logs in at an endpoint whose roles administer it (one made by another owner of the account)
                    s.execute("DO $$ BEGIN EXECUTE format('GRANT %I TO %I WITH ADMIN OPTION', "
                            + literal(names.t0ReaderRole()) + ", session_user); END $$");
                }
            } finally {
                if (asNeonSuperuser) {
                    s.execute("RESET ROLE");
                }
            }
        }
    }

    private static boolean canSetRole(Connection c, String role) throws SQLException {
        try (var ps = c.prepareStatement("SELECT pg_has_role(current_user, ?, 'SET')")) {
            ps.setString(1, role);
            try (var rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static void createRoleIfMissing(Connection c, Statement s, String role, String attributes) throws SQLException {
        if (Catalog.roleExists(c, role)) {
            return;
        }
        try {
            s.execute("CREATE ROLE " + quote(role) + attributes);
        } catch (SQLException e) {
            if (!SqlStates.is(e, SqlStates.DUPLICATE_OBJECT)) {
                throw e;
            }
        }
    }

    private static Optional<JsonNode> findProject(NeonApi api, String name) {
        return api.listProjects(name).stream().filter(p -> p.path("name").asText().equals(name)).findFirst();
    }

    /** The Neon project of a T1 in project placement. */
    String projectName(UUID tenant) {
        return "strata-" + names.namespace().replace('_', '-') + "-" + tenant;
    }

    /** The Neon branch of a T1 in branch placement. */
    static String branchName(UUID tenant) {
        return "t1-" + tenant;
    }
}
