package dev.strata.embedded.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Creates a cluster that authenticates from its first moment: {@code initdb
 * --auth=scram-sha-256 --pwfile=...} into a fresh 0700 directory next to the target, then Strata's
 * {@link HostBasedAuthentication pg_hba.conf}, then one rename onto the target. The target is
 * therefore either absent or a complete, secured cluster, even after a crash half-way; no server
 * runs on it before it is complete. Callers hold the {@link StartLock}.
 */
public final class NewCluster {
    private static final String TEMP_PREFIX = ".initdb-";
    private static final long INITDB_TIMEOUT_SECONDS = 300;

    private NewCluster() {
    }

    /**
     * Initialises {@code cluster} with the superuser {@code superuser} whose password is the first
     * line of {@code passwordFile} (which must exist, mode 0600). {@code cluster} must not exist.
     */
    public static void create(Path cluster, String superuser, Path passwordFile) throws IOException {
        Path parent = cluster.toAbsolutePath().getParent();
        removeLeftovers(parent);
        Path temp = parent.resolve(TEMP_PREFIX + UUID.randomUUID());
        Files.createDirectory(temp, PrivateFiles.attribute(PrivateFiles.DIRECTORY));
        try {
            initdb(temp, superuser, passwordFile);
            HostBasedAuthentication.enforce(temp);
            Files.move(temp, cluster, StandardCopyOption.ATOMIC_MOVE);
            PrivateFiles.syncDirectory(parent);
        } finally {
            if (Files.exists(temp)) {
                deleteTree(temp);
            }
        }
    }

    private static void initdb(Path dir, String superuser, Path passwordFile) throws IOException {
        List<String> command = PostgresBinaries.command("initdb", List.of(
                "--pgdata=" + dir, "--username=" + superuser, "--auth=scram-sha-256", "--pwfile=" + passwordFile,
                "--encoding=UTF-8", "--no-instructions"));
        Path log = Files.createTempFile(dir.getParent(), ".initdb-log-", ".txt", PrivateFiles.attribute(PrivateFiles.FILE));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean exited;
            try {
                exited = process.waitFor(INITDB_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted while initdb ran", e);
            }
            if (!exited) {
                process.destroyForcibly();
                throw new IOException("initdb did not finish within " + INITDB_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("initdb failed (exit " + process.exitValue() + "): "
                        + Files.readString(log, StandardCharsets.UTF_8).strip());
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Temporary directories of an initdb a crash interrupted. */
    private static void removeLeftovers(Path parent) throws IOException {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(parent, TEMP_PREFIX + "*")) {
            for (Path leftover : leftovers) {
                deleteTree(leftover);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
