package dev.strata.internal.archive;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import static dev.strata.internal.archive.ManifestCodec.corrupt;

/**
 * An archive copied from its stream to a private temporary file and verified end to end before
 * anything is written: a readable ZIP, a valid manifest of a supported version, and for every
 * table an entry whose CRC-32, SHA-256 and row count match. Its table entries can then be read
 * again for loading. Constant memory for any archive size. Close it to delete the file; not
 * thread-safe.
 */
final class VerifiedArchive implements AutoCloseable {
    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final ZipFile zip;
    private final ArchiveManifest manifest;

    private VerifiedArchive(Path file, ZipFile zip, ArchiveManifest manifest) {
        this.file = file;
        this.zip = zip;
        this.manifest = manifest;
    }

    /**
     * Spools and verifies an archive; the stream is read to its end but not closed.
     *
     * @throws StrataException {@link ErrorCode#ARCHIVE_CORRUPT} or {@link ErrorCode#ARCHIVE_VERSION_UNSUPPORTED}
     */
    static VerifiedArchive open(InputStream in) {
        Path file = spool(in);
        ZipFile zip = null;
        try {
            try {
                zip = new ZipFile(file.toFile());
            } catch (ZipException e) {
                throw corrupt("it is not a readable ZIP file (" + e.getMessage() + "); it may be truncated");
            }
            ArchiveManifest manifest = ManifestCodec.read(readManifest(zip));
            verifyEntries(zip, manifest);
            return new VerifiedArchive(file, zip, manifest);
        } catch (IOException e) {
            closeQuietly(zip);
            delete(file);
            throw corrupt("it cannot be read (" + e.getMessage() + ")");
        } catch (RuntimeException e) {
            closeQuietly(zip);
            delete(file);
            throw e;
        }
    }

    ArchiveManifest manifest() {
        return manifest;
    }

    /** The verified COPY text of a table listed in the manifest. */
    InputStream openTable(TableSummary table) throws IOException {
        return new BufferedInputStream(zip.getInputStream(zip.getEntry(ArchiveFormat.tableEntry(table.name()))), BUFFER);
    }

    @Override
    public void close() {
        closeQuietly(zip);
        delete(file);
    }

    private static Path spool(InputStream in) {
        Path file;
        try {
            file = Files.createTempFile("strata-import-", ".zip");
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "Cannot create a temporary file for the archive: " + e.getMessage(), e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    throw corrupt("reading it failed (" + e.getMessage() + ")");
                }
                if (n < 0) {
                    return file;
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            delete(file);
            throw new StrataException(ErrorCode.INTERNAL, "Cannot spool the archive to " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    private static byte[] readManifest(ZipFile zip) throws IOException {
        ZipEntry entry = zip.getEntry(ArchiveFormat.MANIFEST_ENTRY);
        if (entry == null) {
            throw corrupt("it has no " + ArchiveFormat.MANIFEST_ENTRY);
        }
        if (entry.getSize() > ArchiveFormat.MAX_MANIFEST_BYTES) {
            throw corrupt("its " + ArchiveFormat.MANIFEST_ENTRY + " is implausibly large (" + entry.getSize() + " bytes)");
        }
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
            byte[] bytes = in.readNBytes(ArchiveFormat.MAX_MANIFEST_BYTES + 1);
            if (bytes.length > ArchiveFormat.MAX_MANIFEST_BYTES) {
                throw corrupt("its " + ArchiveFormat.MANIFEST_ENTRY + " is implausibly large");
            }
            requireCrc(entry, in.getChecksum().getValue(), ArchiveFormat.MANIFEST_ENTRY);
            return bytes;
        } catch (ZipException | java.io.EOFException e) {
            throw corrupt("its " + ArchiveFormat.MANIFEST_ENTRY + " is unreadable (" + e.getMessage() + ")");
        }
    }

    private static void verifyEntries(ZipFile zip, ArchiveManifest manifest) throws IOException {
        Set<String> listed = new HashSet<>();
        for (TableSummary table : manifest.tables()) {
            String name = ArchiveFormat.tableEntry(table.name());
            listed.add(name);
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw corrupt("its manifest lists table '" + table.name() + "' but the entry " + name + " is missing");
            }
            RowDigest digest = RowDigest.discarding();
            try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
                in.transferTo(digest);
                requireCrc(entry, in.getChecksum().getValue(), name);
            } catch (ZipException | java.io.EOFException e) {
                throw corrupt("the data of table '" + table.name() + "' is unreadable (" + e.getMessage() + ")");
            }
            RowDigest.Result actual = digest.result();
            if (!actual.sha256().equals(table.sha256())) {
                throw corrupt("the data of table '" + table.name() + "' has SHA-256 " + actual.sha256()
                        + " but the manifest records " + table.sha256());
            }
            if (actual.rows() != table.rows()) {
                throw corrupt("the data of table '" + table.name() + "' holds " + actual.rows()
                        + " rows but the manifest records " + table.rows());
            }
        }
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            String name = entries.nextElement().getName();
            if (name.startsWith(ArchiveFormat.TABLE_PREFIX) && !listed.contains(name)) {
                throw corrupt("it holds table data (" + name + ") that its manifest does not list");
            }
        }
    }

    private static void requireCrc(ZipEntry entry, long actual, String name) {
        if (entry.getCrc() != -1 && entry.getCrc() != actual) {
            throw corrupt("the entry " + name + " fails its CRC-32 check");
        }
    }

    private static void closeQuietly(ZipFile zip) {
        if (zip != null) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // the file is deleted next; nothing else holds it
            }
        }
    }

    private static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temporary file in the system's temporary directory; the OS cleans it eventually
        }
    }
}
