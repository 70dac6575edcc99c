package dev.strata.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU time used by a PostgreSQL server running on this machine, read from {@code /proc}: the
 * postmaster's own and its exited children's, plus every live child's (backends, background
 * workers). Lets {@code --breakdown} split a transaction's cost into client and server CPU. Only
 * for a server on this (Linux) machine; a server given by URL may be elsewhere.
 */
final class ServerCpu {
    /** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every mainstream platform. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final ProcessHandle postmaster;

    private ServerCpu(ProcessHandle postmaster) {
        this.postmaster = postmaster;
    }

    /** The server a live backend belongs to, if that backend is a process on this machine. */
    static Optional<ServerCpu> ofBackend(long backendPid) {
        if (!Files.isReadable(Path.of("/proc/self/stat"))) {
            return Optional.empty();
        }
        return ProcessHandle.of(backendPid).flatMap(ProcessHandle::parent).map(ServerCpu::new);
    }

    /** CPU time the server has used so far, in nanoseconds (10 ms resolution per process). */
    long nanos() {
        long ticks = ticks(postmaster.pid(), true);
        for (ProcessHandle child : postmaster.children().toList()) {
            ticks += ticks(child.pid(), false);
        }
        return ticks * NANOS_PER_TICK;
    }

    private static long ticks(long pid, boolean withExitedChildren) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields[11..14]: utime, stime, cutime, cstime (proc(5), counted from field 3)
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return withExitedChildren ? ticks + Long.parseLong(fields[13]) + Long.parseLong(fields[14]) : ticks;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
