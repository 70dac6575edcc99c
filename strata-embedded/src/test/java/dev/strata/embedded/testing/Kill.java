package dev.strata.embedded.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code kill -9}, the way a crash or the OOM killer ends processes: no shutdown hooks, no clean stop. */
public final class Kill {
    private Kill() {
    }

    /**
     * Sends SIGKILL to every process given, back to back, then waits (bounded) until they and their
     * descendants (a postmaster's backends, which exit when they notice it died) are gone, as they
     * would be before anyone restarts them.
     */
    public static void hard(List<ProcessHandle> processes) throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>();
        for (ProcessHandle p : processes) {
            all.add(p);
            p.descendants().forEach(all::add);
        }
        processes.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle p : all) {
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            if (p.isAlive()) {
                throw new AssertionError("process " + p.pid() + " still runs 30 s after kill -9 of its parent");
            }
        }
    }
}
