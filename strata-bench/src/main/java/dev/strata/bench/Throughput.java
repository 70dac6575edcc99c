package dev.strata.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Closed-loop throughput of several variants at a number of client threads: each thread runs
 * transactions back to back. Every variant warms up first; then the variants take turns in short
 * slices, cycle after cycle, each cycle starting with a different variant. The machine's speed
 * drifts over seconds (a shared virtual machine moves by 10-30 %), so long rounds of one variant
 * compare different machines; slices a fraction of a second long, interleaved, expose every
 * variant to the same drift. A variant's throughput is its transactions over its time, summed
 * over all its slices.
 */
final class Throughput {
    private Throughput() {
    }

    /**
     * One variant's figures.
     *
     * @param tps              transactions per second
     * @param clientCpuMicros  CPU of the client threads per transaction, in µs (excludes the JVM's
     *                         own threads: JIT, GC)
     * @param serverCpuMicros  CPU of the server per transaction, in µs; NaN when the server's
     *                         processes cannot be read
     */
    record Measurement(double tps, double clientCpuMicros, double serverCpuMicros) {
    }

    static Map<String, Double> measure(List<ReadVariant> variants, int threads, Duration warmup, Duration measured,
                                       Duration slice) throws Exception {
        Map<String, Double> tps = new LinkedHashMap<>();
        measure(variants, threads, warmup, measured, slice, null).forEach((name, m) -> tps.put(name, m.tps()));
        return tps;
    }

    /**
     * @param measured  how long each variant runs in all, split into slices of {@code slice}
     * @param serverCpu the server's CPU meter, or null
     * @return each variant's figures, in the order given
     */
    static Map<String, Measurement> measure(List<ReadVariant> variants, int threads, Duration warmup, Duration measured,
                                            Duration slice, ServerCpu serverCpu) throws Exception {
        for (ReadVariant v : variants) {
            run(v, threads, warmup);
        }
        int cycles = (int) Math.max(3, measured.toMillis() / slice.toMillis());
        int n = variants.size();
        long[][] done = new long[n][cycles];
        long[][] nanos = new long[n][cycles];
        long[] clientCpu = new long[n];
        long[] serverCpuNanos = new long[n];
        for (int c = 0; c < cycles; c++) {
            for (int i = 0; i < n; i++) {
                int v = (i + c) % n;
                long server0 = serverCpu == null ? 0 : serverCpu.nanos();
                long[] slot = runSlice(variants.get(v), threads, slice);
                serverCpuNanos[v] += serverCpu == null ? 0 : serverCpu.nanos() - server0;
                done[v][c] = slot[0];
                nanos[v][c] = slot[1];
                clientCpu[v] += slot[2];
            }
        }
        Map<String, Measurement> result = new LinkedHashMap<>();
        for (int v = 0; v < n; v++) {
            long transactions = Arrays.stream(done[v]).sum();
            double tps = transactions / (Arrays.stream(nanos[v]).sum() / 1e9);
            result.put(variants.get(v).name(), new Measurement(tps, clientCpu[v] / 1e3 / transactions,
                    serverCpu == null ? Double.NaN : serverCpuNanos[v] / 1e3 / transactions));
            // Spread of this variant against the first, cycle by cycle: how far one run can be trusted.
            double[] ratios = new double[cycles];
            for (int c = 0; c < cycles; c++) {
                ratios[c] = ((double) done[v][c] / nanos[v][c]) / ((double) done[0][c] / nanos[0][c]);
            }
            Arrays.sort(ratios);
            System.err.printf("    %-26s %2d threads: %8.0f tx/s over %d slices of %d ms; per-cycle ratio to %s: "
                            + "quartiles %.3f %.3f %.3f%n", variants.get(v).name(), threads, tps, cycles, slice.toMillis(),
                    variants.get(0).name(), ratios[cycles / 4], ratios[cycles / 2], ratios[(3 * cycles) / 4]);
        }
        return result;
    }

    /** Runs a variant on {@code threads} threads for {@code duration}; returns transactions per second. */
    private static double run(ReadVariant variant, int threads, Duration duration) throws Exception {
        long[] slot = runSlice(variant, threads, duration);
        return slot[0] / (slot[1] / 1e9);
    }

    /** Runs a variant on {@code threads} threads for {@code duration}; returns {transactions, elapsed nanoseconds, client threads' CPU nanoseconds}. */
    private static long[] runSlice(ReadVariant variant, int threads, Duration duration) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder done = new LongAdder();
        LongAdder cpu = new LongAdder();
        ThreadMXBean threadBean = ManagementFactory.getThreadMXBean();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                long cpu0 = threadBean.getCurrentThreadCpuTime();
                long n = 0;
                try {
                    while (!stop.get()) {
                        if (variant.transaction(random) == null) {
                            throw new IllegalStateException(variant.name() + " read no row");
                        }
                        n++;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    stop.set(true);
                } finally {
                    done.add(n);
                    cpu.add(threadBean.getCurrentThreadCpuTime() - cpu0);
                }
            }, "bench-" + variant.name() + "-" + i);
            workers.add(t);
        }
        long start = System.nanoTime();
        workers.forEach(Thread::start);
        Thread.sleep(duration.toMillis());
        stop.set(true);
        for (Thread t : workers) {
            t.join();
        }
        long elapsed = System.nanoTime() - start;
        if (failure.get() != null) {
            throw new IllegalStateException("Variant " + variant.name() + " failed: " + failure.get(), failure.get());
        }
        return new long[] {done.sum(), elapsed, cpu.sum()};
    }
}
