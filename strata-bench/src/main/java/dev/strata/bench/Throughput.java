package dev.strata.bench;

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
 * transactions back to back. Every variant warms up first; then the variants take turns in
 * rounds, each round starting with a different variant, so that drift of a shared machine hits
 * all alike. A variant's throughput is the median of its rounds.
 */
final class Throughput {
    private Throughput() {
    }

    static Map<String, Double> measure(List<ReadVariant> variants, int threads, Duration warmup, Duration round, int rounds)
            throws Exception {
        for (ReadVariant v : variants) {
            run(v, threads, warmup);
        }
        Map<String, double[]> perRound = new LinkedHashMap<>();
        variants.forEach(v -> perRound.put(v.name(), new double[rounds]));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < variants.size(); i++) {
                ReadVariant v = variants.get((i + r) % variants.size());
                perRound.get(v.name())[r] = run(v, threads, round);
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        perRound.forEach((name, values) -> {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
            medians.put(name, median);
            System.err.printf("    %-24s %2d threads: %s tx/s per round, median %.0f%n", name, threads,
                    Arrays.toString(Arrays.stream(values).mapToLong(Math::round).toArray()), median);
        });
        return medians;
    }

    /** Runs a variant on {@code threads} threads for {@code duration}; returns transactions per second. */
    static double run(ReadVariant variant, int threads, Duration duration) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        LongAdder done = new LongAdder();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
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
        return done.sum() / (elapsed / 1e9);
    }
}
