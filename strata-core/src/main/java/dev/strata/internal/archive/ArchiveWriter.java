package dev.strata.internal.archive;

import dev.strata.Tenant;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;
import dev.strata.internal.migration.SchemaMigrator;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one tenant's archive from an administrator connection to the database holding its rows:
 * one REPEATABLE READ, READ ONLY transaction under the tenant's context, each table streamed from
 * {@code COPY ... TO STDOUT} straight into its ZIP entry (constant memory), the manifest last.
 * Not thread-safe; one per export.
 */
final class ArchiveWriter {
    private static final int BUFFER = 64 * 1024;

    private ArchiveWriter() {
    }

    /**
     * Writes the archive of {@code tenant} (whose parent is {@code parent}) to {@code out}, which
     * is flushed but not closed. The connection must be to the tenant's database, in autocommit.
     */
    static ArchiveManifest write(Connection c, Tenant tenant, Tenant parent, OutputStream out)
            throws SQLException, IOException {
        String schema = tenant.placement().schema();
        String schemaVersion = SchemaMigrator.appliedVersion(c, schema);
        c.setAutoCommit(false);
        try {
            MaintenanceSession.begin(c, tenant.id(), tenant.tier(), true);
            Instant snapshotAt = snapshotTime(c);
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            List<TableSummary> tables = new ArrayList<>();
            BufferedOutputStream buffered = new BufferedOutputStream(new KeepOpen(out), BUFFER);
            // Not try-with-resources: closing would finish a ZIP without a manifest after a failure.
            ZipOutputStream zip = new ZipOutputStream(buffered);
            for (TenantTable table : TenantTableCatalog.read(c, schema).values()) {
                zip.putNextEntry(new ZipEntry(ArchiveFormat.tableEntry(table.name())));
                BufferedOutputStream entry = new BufferedOutputStream(new KeepOpen(zip), BUFFER);
                RowDigest digest = new RowDigest(entry);
                copy.copyOut(table.copyOutSql(table.columns(), tenant.id()), digest);
                entry.flush();
                zip.closeEntry();
                RowDigest.Result result = digest.result();
                tables.add(new TableSummary(table.name(), table.columns(), result.rows(), result.sha256()));
            }
            ArchiveManifest manifest = new ArchiveManifest(ArchiveFormat.FORMAT_VERSION, tenant.id(), tenant.slug(),
                    tenant.displayName(), tenant.tier(), parent.id(), parent.slug(), tenant.region(), tenant.mode(),
                    schemaVersion, snapshotAt, tables);
            zip.putNextEntry(new ZipEntry(ArchiveFormat.MANIFEST_ENTRY));
            zip.write(ManifestCodec.write(manifest));
            zip.closeEntry();
            zip.close();
            c.commit();
            return manifest;
        } catch (SQLException | IOException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** When the export's snapshot was taken (the transaction's start). */
    private static Instant snapshotTime(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT transaction_timestamp()");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
        }
    }

    /** Lets a wrapper be closed (releasing its resources) without closing the stream beneath. */
    private static final class KeepOpen extends FilterOutputStream {
        KeepOpen(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
