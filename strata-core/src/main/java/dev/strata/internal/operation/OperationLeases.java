package dev.strata.internal.operation;

import dev.strata.OperationKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This process's side of operation ownership: its owner id, the operations it works on now, and
 * the heartbeat that renews their leases every third of the lease. Optionally also runs recovery
 * periodically, so operations of a process that died are taken over without waiting for a
 * restart. An operation leaves the set when the thread working on it ends ({@link #track}), so a
 * lease is renewed exactly while its owner works on it. Thread-safe.
 */
public final class OperationLeases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OperationLeases.class);

    private final Set<UUID> active = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService recoveries;
    private final Duration lease;
    private volatile OperationJournal journal;
    private volatile StepHook hook = StepHook.NONE;

    public OperationLeases(Duration lease) {
        this.lease = lease;
        this.timer = daemon("strata-operation-leases");
        this.recoveries = daemon("strata-operation-recovery");
    }

    /** A new owner id for one process: {@code pid@host/random}, unique even for several instances in one JVM. */
    public static String newOwnerId() {
        return ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts the heartbeat for the journal's operations, and, if given, recovery every lease period. */
    public void start(OperationJournal journalToRenew, Runnable recovery) {
        this.journal = journalToRenew;
        long beat = Math.max(50, lease.toMillis() / 3);
        timer.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        if (recovery != null) {
            long every = Math.max(200, lease.toMillis());
            recoveries.scheduleWithFixedDelay(() -> {
                try {
                    recovery.run();
                } catch (RuntimeException e) {
                    LOG.warn("Periodic recovery of interrupted operations failed: {}", e.getMessage());
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Marks an operation as worked on by this process (its lease is renewed) until the returned
     * handle is closed; {@code alreadyDone}, {@code done} and {@code total} are its journalled progress.
     */
    public RunningOperation track(UUID operation, OperationKind kind, OperationJournal owner, Collection<String> alreadyDone,
                                  int done, int total) {
        active.add(operation);
        return new RunningOperation(operation, kind, owner, () -> hook, () -> active.remove(operation), alreadyDone,
                done, total);
    }

    /** Sets what runs before every step of this process's operations (tests). */
    public void stepHook(StepHook value) {
        this.hook = value == null ? StepHook.NONE : value;
    }

    /** The operations this process works on now (a point-in-time copy). */
    public List<UUID> active() {
        return List.copyOf(active);
    }

    private void heartbeat() {
        if (journal == null || active.isEmpty()) {
            return;
        }
        List<UUID> now = List.copyOf(active);
        try {
            int owned = journal.renew(now);
            if (owned < now.size()) {
                LOG.debug("Renewed {} of {} operation leases; the others were finished or taken over", owned, now.size());
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not renew the leases of {} operation(s): {}", now.size(), e.getMessage());
        }
    }

    /** Stops the heartbeat (the operations this process still works on expire after their lease). */
    @Override
    public void close() {
        recoveries.shutdownNow();
        timer.shutdownNow();
    }

    /** The heartbeat has a thread of its own, so a long recovery never delays a lease renewal. */
    private static ScheduledExecutorService daemon(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }
}
