package dev.strata.internal.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.Tier;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;
import dev.strata.internal.migration.SchemaMigrator;
import dev.strata.internal.migration.TenantMigrationSet;
import dev.strata.internal.provisioning.InitialData;
import dev.strata.internal.provisioning.PlacementPlan;
import dev.strata.internal.sql.DataPlane;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static dev.strata.internal.sql.Identifiers.quote;

/**
 * Loads a verified archive into a freshly provisioned tenant, in one transaction on an
 * administrator connection under the tenant's context: per table (in foreign-key order, parents
 * first; deferrable constraints checked at commit; partitioned tables through the partitioned
 * table) COPY into a temporary staging table, then {@code INSERT ... OVERRIDING SYSTEM VALUE
 * SELECT} with the new tenant id, identity and serial sequences moved past the restored values, so the insert
 * policies' WITH CHECK proves every row is the tenant's (COPY FROM is refused on forced row level
 * security for a non-superuser owner anyway). Before committing, every table is read back with the
 * export's own query and its row count and checksum compared with the manifest: the transaction
 * commits only rows that are exactly the archive's. Not thread-safe; one per import.
 */
final class ArchiveLoader implements InitialData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STAGING = "strata_import_staging";

    private final VerifiedArchive archive;
    private final Function<String, DataPlane> planes;

    ArchiveLoader(VerifiedArchive archive, Function<String, DataPlane> planes) {
        this.archive = archive;
        this.planes = planes;
    }

    @Override
    public void load(PlacementPlan target) throws SQLException {
        DataPlane plane = planes.apply(target.database().dataPlane());
        try (Connection c = plane.openAdmin(target.database().name())) {
            loadInto(c, target.tenantId(), target.tier(), target.database().name(), target.schema(), false);
        }
    }

    /**
     * Loads the archive's rows as {@code tenantId}'s in {@code schema}, in one transaction on the
     * administrator connection {@code c} (to the tenant's database, in autocommit), verified before
     * it commits. With {@code replaceExisting} the tenant's rows in every tenant table are deleted
     * first in that same transaction (children first), so the tenant's data is either exactly the
     * archive's or, after any failure, exactly what it was; only rows with the tenant's id are touched.
     */
    void loadInto(Connection c, UUID tenantId, Tier tier, String database, String schema, boolean replaceExisting)
            throws SQLException {
        ArchiveManifest manifest = archive.manifest();
        c.setAutoCommit(false);
        try {
            requireSchemaNotOlder(c, manifest, database, schema);
            MaintenanceSession.begin(c, tenantId, tier, false);
            deferConstraints(c);
            Map<String, TenantTable> tables = TenantTableCatalog.read(c, schema);
            SchemaMatch.require(manifest, tables, database + "/" + schema);
            if (replaceExisting) {
                deleteRows(c, tables, tenantId);
            }
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (TenantTable table : tables.values()) {
                TableSummary archived = manifest.tables().stream()
                        .filter(t -> t.name().equals(table.name())).findFirst().orElse(null);
                if (archived != null) {
                    loadTable(c, copy, table, archived, tenantId);
                    advanceSequences(c, table);
                    verifyTable(copy, table, archived, tenantId);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollback(c, e);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Deletes the tenant's rows from every tenant table, children before parents (the reverse of the load order). */
    private static void deleteRows(Connection c, Map<String, TenantTable> tables, UUID tenantId) throws SQLException {
        List<TenantTable> ordered = new ArrayList<>(tables.values());
        Collections.reverse(ordered);
        for (TenantTable table : ordered) {
            try (PreparedStatement ps = c.prepareStatement(table.deleteTenantRowsSql())) {
                ps.setObject(1, tenantId);
                ps.executeUpdate();
            }
        }
    }

    private void loadTable(Connection c, CopyManager copy, TenantTable table, TableSummary archived, UUID tenantId)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(table.createStagingSql(STAGING, archived.columns()));
        }
        try (InputStream rows = archive.openTable(archived)) {
            copy.copyIn(table.copyIntoStagingSql(STAGING, archived.columns()), rows);
        } catch (IOException e) {
            throw ManifestCodec.corrupt("the data of table '" + table.name() + "' became unreadable while loading ("
                    + e.getMessage() + ")");
        } catch (SQLException e) {
            throw unloadable(table, e);
        }
        try (PreparedStatement ps = c.prepareStatement(table.insertFromStagingSql(STAGING, archived.columns()))) {
            ps.setObject(1, tenantId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw unloadable(table, e);
        }
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE pg_temp." + quote(STAGING));
        }
    }

    /**
     * The target schema's own history decides: an archive exported at a newer migration version
     * than the target schema has applied (a database or schema the fan-out has not reached yet) is
     * refused, even if this Strata is configured with that version.
     */
    private static void requireSchemaNotOlder(Connection c, ArchiveManifest manifest, String database, String schema)
            throws SQLException {
        String applied = SchemaMigrator.appliedVersion(c, schema);
        if (manifest.schemaVersion() != null && TenantMigrationSet.compareVersions(manifest.schemaVersion(), applied) > 0) {
            throw new StrataException(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "The archive was exported at tenant migration "
                    + "version " + manifest.schemaVersion() + ", but the target schema " + database + "/"
                    + schema + " is at version " + (applied == null ? "(none applied)" : applied)
                    + ": apply the pending migrations (strata migrate apply) and import again. Nothing was imported");
        }
    }

    /**
     * Tables load parents first (foreign-key order); deferrable constraints are checked at commit
     * instead, so that cycles of deferrable foreign keys load too.
     */
    private static void deferConstraints(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET CONSTRAINTS ALL DEFERRED");
        }
    }

    /** Identity and serial columns: their sequences move past the restored values. */
    private static void advanceSequences(Connection c, TenantTable table) throws SQLException {
        for (TenantTable.Sequence sequence : table.sequences()) {
            try (Statement s = c.createStatement()) {
                s.execute(sequence.advanceSql(table));
            }
        }
    }

    /** Reads the restored rows back exactly as an export would and compares them with the archive. */
    private static void verifyTable(CopyManager copy, TenantTable table, TableSummary archived, UUID tenantId)
            throws SQLException {
        RowDigest digest = RowDigest.discarding();
        try {
            copy.copyOut(table.copyOutSql(archived.columns(), tenantId), digest);
        } catch (IOException e) {
            throw new IllegalStateException("A discarding stream does not fail", e);
        }
        RowDigest.Result restored = digest.result();
        if (restored.rows() != archived.rows() || !restored.sha256().equals(archived.sha256())) {
            throw new StrataException(ErrorCode.ARCHIVE_CORRUPT, "Table '" + table.name() + "' restored as "
                    + restored.rows() + " rows with SHA-256 " + restored.sha256() + ", but the archive holds "
                    + archived.rows() + " rows with SHA-256 " + archived.sha256() + ": the rows cannot be restored "
                    + "faithfully in this schema. The import was rolled back");
        }
    }

    /**
     * A load error caused by the archive's content (bad values, duplicate keys, broken references:
     * SQLSTATE classes 22 and 23) is the archive's fault; anything else is the database's.
     */
    private static RuntimeException unloadable(TenantTable table, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = e.getMessage() == null ? "" : e.getMessage().strip().replaceAll("\\.$", "");
        if (state.startsWith("22") || state.startsWith("23")) {
            return new StrataException(ErrorCode.ARCHIVE_CORRUPT, "The rows of table '" + table.name()
                    + "' in the archive cannot be loaded: " + reason + ". The import was rolled back", e);
        }
        return new StrataException(ErrorCode.DATABASE_ERROR, "Loading table '" + table.name() + "' failed: "
                + reason + " (SQLSTATE " + state + "). The import was rolled back", e);
    }

    @Override
    public String eventDetailJson() {
        ArchiveManifest m = archive.manifest();
        ObjectNode node = JSON.createObjectNode();
        node.put("source_tenant_id", m.tenantId().toString());
        node.put("source_slug", m.slug());
        node.put("source_mode", m.mode().wireName());
        node.put("schema_version", m.schemaVersion());
        node.put("exported_at", m.exportedAt().toString());
        node.put("tables", m.tables().size());
        node.put("rows", m.totalRows());
        return node.toString();
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
