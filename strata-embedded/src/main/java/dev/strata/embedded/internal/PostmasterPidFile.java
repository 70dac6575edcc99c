package dev.strata.embedded.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's {@code postmaster.pid}: the postmaster's process id (line 1) and port (line 4), and
 * whether that process really is the postmaster of this cluster or the file is stale (left by a
 * {@code kill -9} or a power loss, its pid now dead or reused by an unrelated process).
 *
 * @param file the file
 * @param pid  the process id it names, -1 if unreadable
 * @param port the port it names, -1 if it names none (yet)
 */
public record PostmasterPidFile(Path file, long pid, int port) {
    private static final int PID_LINE = 0;
    private static final int PORT_LINE = 3;

    /** The cluster's pid file, if it has one. */
    public static Optional<PostmasterPidFile> of(Path cluster) throws IOException {
        Path file = cluster.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        long pid = lines.size() > PID_LINE ? parse(lines.get(PID_LINE)) : -1;
        long port = lines.size() > PORT_LINE ? parse(lines.get(PORT_LINE)) : -1;
        return Optional.of(new PostmasterPidFile(file, pid, port > 0 && port <= 65535 ? (int) port : -1));
    }

    /**
     * Whether the process it names is alive and is (as far as this process can tell) the
     * postmaster of {@code cluster}: a postmaster works in its data directory, so where
     * {@code /proc/<pid>/cwd} can be read, that decides; elsewhere a live process whose program is
     * not {@code postgres} is taken to be a stranger that reused the pid. In every case of doubt
     * the answer is "live": a wrong "stale" would let a second server start on a running cluster.
     */
    public boolean isLive(Path cluster) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (pid <= 0 || process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        try {
            Path cwd = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd"));
            return cwd.equals(cluster.toRealPath());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // no /proc, or not allowed to look: judge by the program
        }
        Optional<String> command = process.get().info().command();
        // "postgres (deleted)" when its binaries were removed while it runs
        return command.isEmpty() || Path.of(command.get()).getFileName().toString().startsWith("postgres");
    }

    /** Removes the file; only for a file {@link #isLive} found stale. */
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private static long parse(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
