package dev.strata.internal.archive;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.archive.ArchiveLimits;
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
     * Spools and verifies an archive; the stream is read to its end (or until it exceeds
     * {@code limits}) but not closed.
     *
     * @throws StrataException {@link ErrorCode#ARCHIVE_CORRUPT}, {@link ErrorCode#ARCHIVE_VERSION_UNSUPPORTED},
     *         or {@link ErrorCode#ARCHIVE_TOO_LARGE} when it exceeds a bound of {@code limits}
     */
    static VerifiedArchive open(InputStream in, ArchiveLimits limits) {
        Path file = spool(in, limits);
        ZipFile zip = null;
        try {
            try {
                zip = new ZipFile(file.toFile());
            } catch (ZipException e) {
                throw corrupt("it is not a readable ZIP file (" + e.getMessage() + "); it may be truncated");
            }
            checkEntries(zip, limits);
            ArchiveManifest manifest = ManifestCodec.read(readManifest(zip));
            verifyEntries(zip, manifest, limits);
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

    private static Path spool(InputStream in, ArchiveLimits limits) {
        Path file;
        try {
            file = Files.createTempFile("strata-import-", ".zip");
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "Cannot create a temporary file for the archive: " + e.getMessage(), e);
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[BUFFER];
            long total = 0;
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
                total += n;
                if (total > limits.maxArchiveBytes()) {
                    throw tooLarge("it is larger than the " + ArchiveLimits.bytes(limits.maxArchiveBytes())
                            + " an archive may have (maxArchiveBytes)");
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

    /**
     * Before anything is inflated: the number of entries, their names (each once, and only the
     * manifest or table data) and their declared sizes. The sizes are checked again while inflating,
     * since a ZIP's directory can lie.
     */
    private static void checkEntries(ZipFile zip, ArchiveLimits limits) {
        if (zip.size() > limits.maxEntries()) {
            throw tooLarge("it holds " + zip.size() + " entries, more than the " + limits.maxEntries()
                    + " an archive may have (maxEntries)");
        }
        Set<String> names = new HashSet<>();
        long declared = 0;
        for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
            ZipEntry entry = entries.nextElement();
            String name = entry.getName();
            if (!names.add(name)) {
                throw corrupt("it holds the entry " + printable(name) + " more than once; a Strata archive "
                        + "holds each entry once");
            }
            if (!name.equals(ArchiveFormat.MANIFEST_ENTRY) && !ArchiveFormat.isTableEntry(name)) {
                throw corrupt("it holds an entry " + printable(name) + " that is not part of a Strata archive (only "
                        + ArchiveFormat.MANIFEST_ENTRY + " and " + ArchiveFormat.TABLE_PREFIX + "<table>.copy)");
            }
            if (entry.getSize() > limits.maxEntryBytes()) {
                throw tooLarge(entryTooLarge(name, limits));
            }
            declared += Math.max(0, entry.getSize());
            if (declared > limits.maxInflatedBytes()) {
                throw tooLarge(inflatedTooLarge(limits));
            }
        }
    }

    private static String entryTooLarge(String name, ArchiveLimits limits) {
        return "its entry " + printable(name) + " inflates to more than the " + ArchiveLimits.bytes(limits.maxEntryBytes())
                + " an entry may have (maxEntryBytes)";
    }

    private static String inflatedTooLarge(ArchiveLimits limits) {
        return "its entries inflate to more than the " + ArchiveLimits.bytes(limits.maxInflatedBytes())
                + " an archive may hold in total (maxInflatedBytes)";
    }

    private static String printable(String name) {
        return "'" + dev.strata.internal.registry.TenantRules.printable(name) + "'";
    }

    static StrataException tooLarge(String reason) {
        return new StrataException(ErrorCode.ARCHIVE_TOO_LARGE, "The archive is refused: " + reason
                + ". Nothing was imported; raise the server's import limits if the archive is genuine");
    }

    private static void verifyEntries(ZipFile zip, ArchiveManifest manifest, ArchiveLimits limits) throws IOException {
        Set<String> listed = new HashSet<>();
        long inflated = 0;
        for (TableSummary table : manifest.tables()) {
            String name = ArchiveFormat.tableEntry(table.name());
            listed.add(name);
            ZipEntry entry = zip.getEntry(name);
            if (entry == null) {
                throw corrupt("its manifest lists table '" + table.name() + "' but the entry " + name + " is missing");
            }
            RowDigest digest = RowDigest.discarding();
            try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(entry), new CRC32())) {
                long size = copyBounded(in, digest, limits.maxEntryBytes(), limits.maxInflatedBytes() - inflated,
                        name, limits);
                inflated += size;
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

    /** Copies an entry, refusing it as soon as it exceeds the entry bound or what is left of the total. */
    private static long copyBounded(InputStream in, OutputStream out, long entryBound, long totalLeft, String name,
                                    ArchiveLimits limits) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long copied = 0;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            copied += n;
            if (copied > entryBound) {
                throw tooLarge(entryTooLarge(name, limits));
            }
            if (copied > totalLeft) {
                throw tooLarge(inflatedTooLarge(limits));
            }
            out.write(buffer, 0, n);
        }
        return copied;
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
