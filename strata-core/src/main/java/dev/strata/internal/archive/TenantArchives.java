package dev.strata.internal.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Placement;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import dev.strata.internal.StrataEngine;
import dev.strata.internal.migration.TenantMigrationSet;
import dev.strata.internal.provisioning.DatabaseRecord;
import dev.strata.internal.provisioning.DatabaseStore;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.TenantRules;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Per-tenant export and import (the specification's per-tenant backup/restore and "clean data
 * export"), for every isolation mode as source and as target. Thread-safe: it holds no state of
 * its own; each call uses connections of its own.
 *
 * <p>An import verifies the whole archive and resolves where the tenant goes before anything is
 * written; then it provisions the tenant and loads and verifies its rows as the journalled step
 * {@code load_data} of its provisioning, before the tenant becomes active. A failure there rolls
 * the tenant back completely. The registration re-validates the parent under its T1 subtree lock,
 * so an import never lands under a T1 that is being decommissioned (it is refused with
 * {@link ErrorCode#OPERATION_CONFLICT}), and a decommission of the parent is refused while the
 * import loads.
 */
public final class TenantArchives {
    private static final Logger LOG = LoggerFactory.getLogger(TenantArchives.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StrataEngine engine;
    private final Registry registry;

    public TenantArchives(StrataEngine engine) {
        this.engine = engine;
        this.registry = engine.registry();
    }

    // ---------------------------------------------------------------- export

    /**
     * Writes a T1's or T2's archive to {@code out} (flushed, not closed) and records an
     * {@code exported} event. A T1's archive holds its own rows only, not its T2s'.
     */
    public ArchiveManifest export(String tenantKey, OutputStream out, String actor) {
        Objects.requireNonNull(out, "out");
        Tenant tenant = registry.resolve(tenantKey);
        requireExportable(tenant);
        Tenant parent = registry.findById(tenant.parentId()).orElseThrow(() -> new StrataException(ErrorCode.INTERNAL,
                "Tenant '" + tenant.slug() + "' has no parent registered"));
        Placement placement = tenant.placement();
        String previous = MDC.get("tenant");
        MDC.put("tenant", tenant.id().toString());
        try (Connection c = engine.plane(placement.dataPlane()).openAdmin(placement.database())) {
            ArchiveManifest manifest = ArchiveWriter.write(c, tenant, parent, out);
            Jdbc.useTransaction(engine.management(), "record the export of '" + tenant.slug() + "'",
                    m -> registry.recordEvent(m, tenant.id(), "exported", actor, exportDetail(manifest)));
            LOG.info("Exported tenant '{}' ({} mode): {} rows in {} tables", tenant.slug(), placement.mode().wireName(),
                    manifest.totalRows(), manifest.tables().size());
            return manifest;
        } catch (SQLException e) {
            requireStillExportable(tenant, e);
            throw Jdbc.databaseError("export tenant '" + tenant.slug() + "'", e);
        } catch (IOException e) {
            requireStillExportable(tenant, e);
            throw new StrataException(ErrorCode.INTERNAL, "Writing the archive of tenant '" + tenant.slug()
                    + "' failed: " + e.getMessage() + ". The archive is incomplete; export again", e);
        } finally {
            restoreMdc(previous);
        }
    }

    private static void requireExportable(Tenant tenant) {
        if (tenant.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY,
                    "The T0 operator holds no tenant data: export a T1 or T2 tenant");
        }
        switch (tenant.status()) {
            case ACTIVE, SUSPENDED -> {
                return;
            }
            case DECOMMISSIONED -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Tenant '" + tenant.slug() + "' is decommissioned: its data is gone and cannot be exported");
            case DECOMMISSIONING -> throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED,
                    "Tenant '" + tenant.slug() + "' is being decommissioned: its data is being deleted and cannot be exported");
            default -> throw new StrataException(ErrorCode.INVALID_STATE, "Tenant '" + tenant.slug() + "' is "
                    + tenant.status().wireName() + "; export it when it is active or suspended");
        }
    }

    /**
     * An export that failed on the database because the tenant was decommissioned meanwhile (its
     * database or rows went away under the export) says so instead of reporting a database error.
     */
    private void requireStillExportable(Tenant exported, Exception cause) {
        Optional<Tenant> now;
        try {
            now = registry.findById(exported.id());
        } catch (StrataException unreadable) {
            cause.addSuppressed(unreadable);
            return;
        }
        if (now.isPresent() && now.get().status() != exported.status()
                && (now.get().status() == TenantStatus.DECOMMISSIONING || now.get().status() == TenantStatus.DECOMMISSIONED)) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + exported.slug()
                    + "' was decommissioned while it was being exported: the archive is incomplete and must not be used", cause);
        }
    }

    private static String exportDetail(ArchiveManifest manifest) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mode", manifest.mode().wireName());
        node.put("schema_version", manifest.schemaVersion());
        node.put("tables", manifest.tables().size());
        node.put("rows", manifest.totalRows());
        return node.toString();
    }

    // ---------------------------------------------------------------- restore in place

    /**
     * Replaces a live tenant's rows with the archive's, in one transaction in the tenant's own
     * database and schema, verified against the archive's row counts and checksums before it
     * commits: afterwards the tenant's data is exactly the archive's, or (after any failure) exactly
     * what it was. Only rows with the tenant's id are deleted or written. The archive must be one of
     * this tenant ({@link ErrorCode#RESTORE_REFUSED} otherwise). The caller keeps the tenant from
     * working meanwhile (a restore suspends it).
     */
    public ArchiveManifest replaceData(Tenant tenant, InputStream in) {
        Placement placement = tenant.placement();
        String previous = MDC.get("tenant");
        MDC.put("tenant", tenant.id().toString());
        try (VerifiedArchive archive = VerifiedArchive.open(in, engine.config().archiveLimits())) {
            ArchiveManifest manifest = archive.manifest();
            if (!manifest.tenantId().equals(tenant.id())) {
                throw new StrataException(ErrorCode.RESTORE_REFUSED, "The archive is not one of tenant '" + tenant.slug()
                        + "': restore a backup of this tenant. Nothing was changed");
            }
            requireKnownVersion(manifest);
            try (Connection c = engine.plane(placement.dataPlane()).openAdmin(placement.database())) {
                new ArchiveLoader(archive, engine::plane).loadInto(c, tenant.id(), tenant.tier(), placement.database(),
                        placement.schema(), true);
            } catch (SQLException e) {
                throw Jdbc.databaseError("replace the data of tenant '" + tenant.slug() + "'", e);
            }
            LOG.info("Replaced the data of tenant '{}' with an archive taken at {}: {} rows in {} tables", tenant.slug(),
                    manifest.exportedAt(), manifest.totalRows(), manifest.tables().size());
            return manifest;
        } finally {
            restoreMdc(previous);
        }
    }

    // ---------------------------------------------------------------- import

    /**
     * Restores an archive as a new tenant. Everything that can be checked without writing is
     * checked first (options, the whole archive, slug, parent, the schema's tables and columns).
     */
    public ImportResult importArchive(InputStream in, ImportOptions options, String actor) {
        if (in == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An archive stream is required");
        }
        ImportOptions opts = options == null ? new ImportOptions(null, null, null) : options;
        if (opts.newSlug() != null) {
            TenantRules.requireValidSlug(opts.newSlug());
        }
        if (opts.parent() != null && !opts.parent().isBlank()) {
            TenantRules.parseIdOrValidateSlug(opts.parent());
        }
        try (VerifiedArchive archive = VerifiedArchive.open(in, engine.config().archiveLimits())) {
            ArchiveManifest manifest = archive.manifest();
            requireKnownVersion(manifest);
            NewTenant request = plan(manifest, opts);
            precheckSchema(manifest, request);
            Tenant tenant = engine.provisioner().create(request, actor,
                    new ArchiveLoader(archive, engine::plane));
            LOG.info("Imported tenant '{}' ({} mode) from an archive of '{}' ({} mode): {} rows in {} tables",
                    tenant.slug(), tenant.mode().wireName(), manifest.slug(), manifest.mode().wireName(),
                    manifest.totalRows(), manifest.tables().size());
            return new ImportResult(tenant, manifest);
        }
    }

    /** The tenant to create: slug, parent and id as the options and the registry allow. Writes nothing. */
    private NewTenant plan(ArchiveManifest manifest, ImportOptions opts) {
        String slug = opts.newSlug() != null ? opts.newSlug() : manifest.slug();
        return Jdbc.withConnection(engine.management(), "plan the import of '" + slug + "'", c -> {
            if (liveSlugTaken(c, slug)) {
                throw new StrataException(ErrorCode.DUPLICATE_SLUG, "A live tenant already has the slug '" + slug
                        + "': import the archive under another slug (the import's new slug; --as-new-slug on the command line)");
            }
            String parent = manifest.tier() == Tier.T1 ? blankToNull(opts.parent()) : parentOfT2(c, manifest, opts);
            UUID id = registry.findById(c, manifest.tenantId()).isPresent() ? UUID.randomUUID() : manifest.tenantId();
            return new NewTenant(manifest.tier(), slug, parent, manifest.displayName(), opts.mode(), manifest.region(), id);
        });
    }

    /** The given parent, else the archive's own one if it is still a live T1 here. */
    private String parentOfT2(Connection c, ArchiveManifest manifest, ImportOptions opts) throws SQLException {
        if (blankToNull(opts.parent()) != null) {
            Optional<UUID> id = TenantRules.parseIdOrValidateSlug(opts.parent());
            Optional<Tenant> given = id.isPresent() ? registry.findById(c, id.get()) : registry.findBySlug(c, opts.parent().trim());
            if (given.isEmpty()) {
                throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(opts.parent().trim())
                        + "' given for the import does not exist: name an existing T1 by id or slug");
            }
            return opts.parent();
        }
        String archived = "The archive's parent T1 '" + TenantRules.printable(String.valueOf(manifest.parentSlug()))
                + "' (" + manifest.parentId() + ")";
        Tenant parent = registry.findById(c, manifest.parentId()).orElseThrow(() -> new StrataException(
                ErrorCode.TENANT_NOT_FOUND, archived + " does not exist here: name the T1 to restore the tenant under "
                + "(the import's parent; --parent on the command line)"));
        if (parent.tier() != Tier.T1) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, archived + " is a " + parent.tier()
                    + " here: name the T1 to restore the tenant under (the import's parent; --parent on the command line)");
        }
        if (parent.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, archived + " is decommissioned: name another "
                    + "T1 to restore the tenant under (the import's parent; --parent on the command line)");
        }
        return parent.id().toString();
    }

    /**
     * Checks the archive's tables and columns against a schema at this Strata's version that
     * already exists (the parent's, else any tenant database's), so a mismatch is refused before
     * anything is created. The loader checks the target schema itself again.
     */
    private void precheckSchema(ArchiveManifest manifest, NewTenant request) {
        Optional<Placement> reference = Jdbc.withConnection(engine.management(), "find a reference schema",
                c -> referenceSchema(c, request));
        if (reference.isEmpty()) {
            return;
        }
        Placement p = reference.get();
        try (Connection c = engine.plane(p.dataPlane()).openAdmin(p.database())) {
            SchemaMatch.require(manifest, TenantTableCatalog.read(c, p.schema()), p.database() + "/" + p.schema());
        } catch (SQLException e) {
            // The reference went away meanwhile (its tenant was decommissioned): the loader checks
            // the target schema itself, and provisioning reports a parent that is gone.
            LOG.info("Skipping the schema pre-check of the import: {} is not readable: {}", p.database(), e.getMessage());
        }
    }

    /** Refuses an archive exported at a migration version newer than the newest configured one. */
    private void requireKnownVersion(ArchiveManifest manifest) {
        String newest = engine.tenantMigrations().set().latestVersion().orElse(null);
        if (manifest.schemaVersion() != null && TenantMigrationSet.compareVersions(manifest.schemaVersion(), newest) > 0) {
            throw new StrataException(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "The archive was exported at tenant "
                    + "migration version " + manifest.schemaVersion() + ", newer than this Strata's newest migration "
                    + (newest == null ? "(none configured)" : newest) + ": configure the application's migrations up to "
                    + "that version (tenantMigrations / --migrations) before importing it");
        }
    }

    private Optional<Placement> referenceSchema(Connection c, NewTenant request) throws SQLException {
        if (request.tier() == Tier.T2) {
            // A parent that cannot be resolved is reported by provisioning, with its own message.
            Optional<Placement> parent = (TenantRules.parseIdOrValidateSlug(request.parent()).isPresent()
                    ? registry.findById(c, UUID.fromString(request.parent().trim()))
                    : registry.findBySlug(c, request.parent().trim()))
                    .filter(t -> t.status() == TenantStatus.ACTIVE).map(Tenant::placement);
            if (parent.isPresent() && isCurrent(c, parent.get())) {
                return parent;
            }
        }
        return DatabaseStore.live(c).stream()
                .filter(db -> db.schemaVersion() >= DatabaseStore.READY)
                .min(Comparator.comparing(DatabaseRecord::name))
                .map(db -> new Placement(IsolationMode.DATABASE, db.dataPlane(), db.name(), PhysicalNames.APP_SCHEMA, 0));
    }

    private static boolean isCurrent(Connection c, Placement p) throws SQLException {
        return DatabaseStore.find(c, p.dataPlane(), p.database())
                .filter(db -> !db.dropped() && db.schemaVersion() >= DatabaseStore.READY).isPresent();
    }

    private static boolean liveSlugTaken(Connection c, String slug) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM platform.tenants WHERE slug = ? AND status <> 'decommissioned'")) {
            ps.setString(1, slug);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static void restoreMdc(String previous) {
        if (previous == null) {
            MDC.remove("tenant");
        } else {
            MDC.put("tenant", previous);
        }
    }
}
