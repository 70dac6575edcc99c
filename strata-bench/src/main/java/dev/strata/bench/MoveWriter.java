package dev.strata.bench;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;

import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 9's writer: an open-loop client issuing {@code perSecond} writes a second for one
 * tenant through Strata, each one transaction inserting one event whose payload carries the
 * write's sequence number. A write held by the move's freeze does not delay the next ones (each
 * runs on a worker of its own), as independent clients would behave. Records every acknowledged
 * write with its latency (from when it was issued to its commit returning) and every refusal with
 * the time it took to come.
 * Thread-safe.
 */
final class MoveWriter implements AutoCloseable {
    /** The {@code events.kind} of the writer's rows. */
    static final String KIND = "bench-write";
    private static final int WORKERS = 32;

    /** One acknowledged write: its sequence number and when it was issued and acknowledged ({@link System#nanoTime}). */
    record Ack(int seq, long issuedNanos, long ackedNanos) {
        long latencyNanos() {
            return ackedNanos - issuedNanos;
        }
    }

    private final Strata strata;
    private final UUID tenant;
    private final ScheduledExecutorService clock;
    private final ExecutorService workers;
    private final AtomicInteger next = new AtomicInteger();
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ack> refusals = new ConcurrentLinkedQueue<>();
    private final Map<ErrorCode, AtomicInteger> errors = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();

    private MoveWriter(Strata strata, UUID tenant) {
        this.strata = strata;
        this.tenant = tenant;
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "move-writer-clock"));
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(WORKERS, r -> daemon(r, "move-writer-" + n.incrementAndGet()));
    }

    /** Starts writing at {@code perSecond} writes a second. */
    static MoveWriter start(Strata strata, UUID tenant, int perSecond) {
        MoveWriter w = new MoveWriter(strata, tenant);
        long period = TimeUnit.SECONDS.toNanos(1) / perSecond;
        w.clock.scheduleAtFixedRate(() -> w.workers.execute(w::writeOne), 0, period, TimeUnit.NANOSECONDS);
        return w;
    }

    private void writeOne() {
        int seq = next.getAndIncrement();
        long issued = System.nanoTime();
        try {
            strata.useTenant(tenant, scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO events (tenant_id, occurred_at, kind, payload) VALUES (?, now(), ?, jsonb_build_object('seq', ?))")) {
                    ps.setObject(1, tenant);
                    ps.setString(2, KIND);
                    ps.setInt(3, seq);
                    ps.executeUpdate();
                }
            });
            acks.add(new Ack(seq, issued, System.nanoTime()));
        } catch (StrataException e) {
            errors.computeIfAbsent(e.code(), k -> new AtomicInteger()).incrementAndGet();
            refusals.add(new Ack(seq, issued, System.nanoTime()));
        } catch (Throwable e) {
            unexpected.add(e);
        }
    }

    /** The acknowledged writes so far. */
    List<Ack> acks() {
        return List.copyOf(acks);
    }

    /** The writes Strata refused (nothing written), with when each was issued and refused. */
    List<Ack> refusals() {
        return List.copyOf(refusals);
    }

    /** Writes issued so far. */
    int issued() {
        return next.get();
    }

    /** Failed writes by error code (a Strata refusal: nothing written). */
    Map<ErrorCode, Integer> errors() {
        Map<ErrorCode, Integer> out = new java.util.TreeMap<>();
        errors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Failures that were not a {@link StrataException}. */
    List<Throwable> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Stops issuing writes and waits for those in flight to end. */
    @Override
    public void close() throws InterruptedException {
        clock.shutdownNow();
        clock.awaitTermination(10, TimeUnit.SECONDS);
        workers.shutdown();
        if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
