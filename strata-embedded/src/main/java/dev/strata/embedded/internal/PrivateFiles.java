package dev.strata.embedded.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * Files and directories only their owner may read: directories are created 0700 and secret files
 * 0600 atomically (the mode is part of the creating system call, so there is no moment in which
 * they are readable by others), and existing ones that are wider are narrowed. Stateless and
 * thread-safe. Needs a POSIX file system.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {
    }

    /**
     * Makes {@code dir} (and any missing parent) exist with mode 0700 from its creation; narrows an
     * existing {@code dir} that others may read or enter to 0700. Returns whether it had to be
     * narrowed. An existing directory others may <em>write</em> to (say {@code /tmp}) is refused,
     * not narrowed: someone else may already have put files (or links) in it.
     *
     * @throws IOException if it cannot be created or narrowed, or others may write to it
     */
    public static boolean directory(Path dir) throws IOException {
        if (Files.isSymbolicLink(dir)) {
            // the data directory may legitimately be a link (say ~/.strata -> /data/strata); its target is checked
            dir = dir.toRealPath();
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, attribute(DIRECTORY));
            return false;
        }
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + " is not a directory");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        if (mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new IOException(dir + " is writable by others (mode " + PosixFilePermissions.toString(mode)
                    + "): use a directory of its own that only you can write to");
        }
        return narrow(dir, DIRECTORY);
    }

    /** Narrows an existing file or directory to {@code mode} if it grants more; returns whether it did. */
    public static boolean narrow(Path path, Set<PosixFilePermission> mode) throws IOException {
        Set<PosixFilePermission> current = Files.getPosixFilePermissions(path);
        if (mode.containsAll(current)) {
            return false;
        }
        Set<PosixFilePermission> narrowed = EnumSet.noneOf(PosixFilePermission.class);
        narrowed.addAll(current);
        narrowed.retainAll(mode);
        try {
            Files.setPosixFilePermissions(path, narrowed);
        } catch (IOException e) {
            throw new IOException("cannot make " + path + " accessible to its owner only (" + e
                    + "): use a directory of your own", e);
        }
        return true;
    }

    /**
     * Writes {@code content} to {@code file}, replacing it atomically: the data goes to a new file
     * created 0600 in the same directory, is forced to disk, and is renamed over {@code file}.
     */
    public static void writeSecret(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = dir.resolve("." + file.getFileName() + "-" + UUID.randomUUID());
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    attribute(FILE))) {
                channel.write(StandardCharsets.UTF_8.encode(content));
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(dir);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Forces a directory's entries (a rename, a new file) to disk; best effort where that is unsupported. */
    public static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems cannot sync a directory; the rename itself already happened
        }
    }

    /** The attribute that creates a file or directory with {@code mode}. */
    public static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
        return PosixFilePermissions.asFileAttribute(mode);
    }
}
