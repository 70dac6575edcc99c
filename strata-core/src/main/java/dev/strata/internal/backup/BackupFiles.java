package dev.strata.internal.backup;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * The backup directory: one sub-directory per tenant (by id), one archive file per backup (by id),
 * directories {@code 0700} and files {@code 0600} (on file systems with POSIX permissions).
 * Thread-safe: it holds only the root path.
 */
final class BackupFiles {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Path root;

    BackupFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Where a backup's archive goes. */
    Path fileOf(UUID tenantId, UUID backupId) {
        return root.resolve(tenantId.toString()).resolve(backupId + ".strata.zip");
    }

    /** Writes a file through {@code writer} under a temporary name, then moves it into place; returns its size. */
    long write(Path target, Writer writer) throws IOException {
        ensureDirectory(root);
        ensureDirectory(target.getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Files.deleteIfExists(part);
        if (POSIX) {
            Files.createFile(part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(part);
        }
        try {
            try (OutputStream out = Files.newOutputStream(part)) {
                writer.write(out);
            }
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(part);
            throw e;
        }
    }

    /** What writes the archive. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static void ensureDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        if (POSIX) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    /** The SHA-256 of a file, hex. */
    static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new StrataException(ErrorCode.INTERNAL, "SHA-256 is not available", e);
        }
    }
}
