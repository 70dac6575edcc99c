package dev.strata.server.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code <data-dir>/admin-key}: the T0 admin API key, readable by its owner only (mode 0600), read
 * by the CLI when no key is given. Written once, when {@code strata serve} first creates the key.
 */
public final class AdminKeyFile {
    /** The file's name inside the data directory. */
    public static final String NAME = "admin-key";

    private AdminKeyFile() {
    }

    public static Path in(Path dataDir) {
        return dataDir.resolve(NAME);
    }

    /**
     * Writes the key with mode 0600 from the start (never readable by others, not even briefly),
     * replacing an older file atomically. The data directory is created 0700 if it is missing, and
     * narrowed to 0700 if it is wider (as the embedded PostgreSQL does with it).
     */
    public static void write(Path dataDir, String key) throws IOException {
        privateDirectory(dataDir);
        Path target = in(dataDir);
        Path temp = dataDir.resolve("." + NAME + "-" + UUID.randomUUID());
        try {
            Files.createFile(temp, ownerOnly());
        } catch (UnsupportedOperationException e) {
            Files.createFile(temp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("Temporary file " + temp + " exists", e);
        }
        try {
            Files.writeString(temp, key + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The key saved in the data directory, if there is one. */
    public static Optional<String> read(Path dataDir) throws IOException {
        Path file = in(dataDir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String key = Files.readString(file, StandardCharsets.UTF_8).strip();
        return key.isEmpty() ? Optional.empty() : Optional.of(key);
    }

    private static void privateDirectory(Path dir) throws IOException {
        Set<PosixFilePermission> ownerOnly = PosixFilePermissions.fromString("rwx------");
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(ownerOnly));
                return;
            }
            Set<PosixFilePermission> current = Files.getPosixFilePermissions(dir);
            if (!ownerOnly.containsAll(current)) {
                current.retainAll(ownerOnly);
                Files.setPosixFilePermissions(dir, current);
            }
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    private static FileAttribute<Set<PosixFilePermission>> ownerOnly() {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    }
}
