package dev.strata;

import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import dev.strata.audit.AuditReport;
import dev.strata.internal.OperationsImpl;
import dev.strata.internal.PlanesImpl;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.TenantsImpl;
import dev.strata.internal.archive.TenantArchives;
import dev.strata.internal.audit.Auditor;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;
import java.util.UUID;

/**
 * Strata: multi-tenant data isolation for PostgreSQL. The entry point and the owner of every pool
 * and cache; build it once, share it, close it at shutdown.
 *
 * <pre>{@code
 * try (Strata strata = Strata.configure().databaseUrl("postgresql://admin:pw@db:5432/postgres").start()) {
 *     Tenant alpha = strata.tenants().create(NewTenant.t1("alpha"));
 *     Tenant a1 = strata.tenants().create(NewTenant.t2("a1", "alpha"));
 *     strata.useTenant(a1.id(), scope -> {
 *         try (PreparedStatement ps = scope.connection().prepareStatement(
 *                 "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
 *             ps.setObject(1, scope.tenantId());
 *             ps.setString(2, "Hello");
 *             ps.executeUpdate();
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Thread-safe. Starting creates what is missing on the server (management database, template,
 * roles), migrates what is behind and resumes operations a crash interrupted.
 */
public final class Strata implements AutoCloseable {
    private final StrataEngine engine;
    private final Tenants tenants;
    private final Operations operations;
    private final Planes planes;
    private final Analytics analytics;
    private final Branches branches;

    private Strata(StrataEngine engine) {
        this.engine = engine;
        this.tenants = new TenantsImpl(engine, "strata");
        this.operations = new OperationsImpl(engine);
        this.planes = new PlanesImpl(engine, "strata");
        this.analytics = new dev.strata.internal.analytics.AllTenantsQuery(engine);
        this.branches = new dev.strata.internal.BranchesImpl(engine.devBranches(), "strata");
    }

    /** A configuration builder; finish with {@link StrataConfig.Builder#start()}. */
    public static StrataConfig.Builder configure() {
        return StrataConfig.builder();
    }

    /** Starts Strata with a built configuration. */
    public static Strata start(StrataConfig config) {
        return new Strata(StrataEngine.start(Objects.requireNonNull(config, "config")));
    }

    /** The tenant registry. */
    public Tenants tenants() {
        return tenants;
    }

    /**
     * Long-running operations (provisioning, decommissioning, imports, the migration fan-out):
     * list and show them, resume or abort one whose process died.
     */
    public Operations operations() {
        return operations;
    }

    /**
     * The data planes: the PostgreSQL servers tenants are placed on ({@code default} is the
     * configured one). Add, list, show and drain them.
     */
    public Planes planes() {
        return planes;
    }

    /**
     * Dev and staging branches of T1s on Neon planes: create, list, delete ({@code strata tenants
     * branch ...}).
     */
    public Branches branches() {
        return branches;
    }

    /**
     * Runs work in one transaction of a tenant, with its context in force before the first
     * statement: routes to the tenant's database (its T1's in the hybrid), commits if the work
     * returns, rolls back if it throws. Checked exceptions of the work pass through unchanged.
     *
     * @throws StrataException {@link ErrorCode#TENANT_NOT_FOUND}, {@link ErrorCode#TENANT_SUSPENDED},
     *         {@link ErrorCode#TENANT_DECOMMISSIONED}, {@link ErrorCode#TENANT_THROTTLED},
     *         {@link ErrorCode#CONNECTION_BUDGET_EXHAUSTED}, or {@link ErrorCode#DATABASE_ERROR} if the commit fails
     */
    public <R, X extends Exception> R inTenant(UUID tenantId, TenantWork<R, X> work) throws X {
        return engine.transactions().inTenant(tenantId, work);
    }

    /** {@link #inTenant} for work that returns nothing. */
    public <X extends Exception> void useTenant(UUID tenantId, TenantAction<X> work) throws X {
        engine.transactions().inTenant(tenantId, scope -> {
            work.run(scope);
            return null;
        });
    }

    /**
     * T0 analytics: one read-only query in every tenant database and schema, in parallel, as a role
     * that can only read, under a T0 context ({@code strata query --all-tenants}).
     */
    public Analytics analytics() {
        return analytics;
    }

    /** Per-tenant activity across every process: the busiest tenants ({@code strata tenants top}). */
    public Activity activity() {
        return engine.activity();
    }

    /**
     * Checks every tenant database's catalog against the isolation rules: app role attributes and
     * privileges, row level security enabled and forced with policies on every tenant table, keys
     * that include {@code tenant_id}, {@code security_invoker} views, SECURITY DEFINER functions,
     * CONNECT privileges. Changes nothing.
     */
    public AuditReport audit() {
        return new Auditor(engine).run();
    }

    /**
     * Writes one tenant's data, in whatever mode it lives, as a portable archive: a manifest
     * (tenant, mode, schema version, tables, row counts, checksums) and every tenant table's rows,
     * streamed in constant memory. The stream is not closed.
     */
    public ArchiveManifest exportTenant(String tenantKey, OutputStream out) {
        return new TenantArchives(engine).export(tenantKey, out, "strata");
    }

    /**
     * Restores an archive as a tenant in the mode the options ask for, verifying every table's
     * row count and checksum. An archive that is corrupt, truncated, or from a newer schema version
     * is refused ({@link ErrorCode#ARCHIVE_CORRUPT}, {@link ErrorCode#ARCHIVE_VERSION_UNSUPPORTED})
     * with nothing written.
     */
    public ImportResult importTenant(InputStream in, ImportOptions options) {
        return new TenantArchives(engine).importArchive(in, options, "strata");
    }

    /**
     * Tenant backups written to {@code directory} (made {@code 0700}; files {@code 0600}): on
     * demand, on a schedule ({@link dev.strata.backup.Backups#runDue}, which {@code strata serve}
     * calls), listed, and restored with {@link Tenants#restore}.
     */
    public dev.strata.backup.Backups backups(java.nio.file.Path directory) {
        return new dev.strata.internal.backup.BackupsImpl(engine, directory, "strata", java.time.Clock.systemUTC());
    }

    /**
     * The application's tenant migrations across every app schema: status, fan-out, validation.
     */
    public dev.strata.migration.SchemaMigrations migrations() {
        return engine.migrations();
    }

    /** The configuration this instance runs with. */
    public StrataConfig config() {
        return engine.config();
    }

    /**
     * For Strata's own server module (REST API, CLI, demo): the few engine services it needs beyond
     * this API ({@link dev.strata.internal.ServerHooks}). Not a supported API.
     */
    public dev.strata.internal.ServerHooks serverHooks() {
        return engine;
    }

    /**
     * The whole engine, for Strata's own tests and benchmarks only (the server uses
     * {@link #serverHooks()}). Not a supported API.
     */
    public StrataEngine internals() {
        return engine;
    }

    /** Closes every pool and stops the routing listener. Idempotent in effect. */
    @Override
    public void close() {
        engine.close();
    }
}
