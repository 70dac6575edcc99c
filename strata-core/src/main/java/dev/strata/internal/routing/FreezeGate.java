package dev.strata.internal.routing;

import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This process's side of a move's write freeze: the tenants it holds (no new transaction of theirs
 * starts) and how many transactions of each tenant are in flight here.
 *
 * <p>A transaction first {@link #enter enters}, then reads its route and checks {@link #held};
 * the freeze is first {@link #hold held}, then waited {@link #awaitQuiet quiet}. Both sides use
 * sequentially consistent operations, so either the transaction sees the hold (and leaves again)
 * or the freeze sees the transaction (and waits for it): no transaction that began before the
 * acknowledgement runs after it. A hold is {@link #release released} only by a placement proven
 * newer than the frozen one and not frozen itself (the flip, or the end of an aborted cutover), so
 * a missed notification can delay a transaction but never route it to the old place. Thread-safe.
 */
public final class FreezeGate {
    private static final long POLL_MILLIS = 5;

    private final ConcurrentHashMap<UUID, Long> held = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

    /** A transaction of the tenant begins here (call {@link #exit} once it ended, whatever happened). */
    public void enter(UUID tenant) {
        inFlight.computeIfAbsent(tenant, t -> new AtomicInteger()).incrementAndGet();
    }

    public void exit(UUID tenant) {
        AtomicInteger count = inFlight.get(tenant);
        if (count != null) {
            count.decrementAndGet();
        }
    }

    /** Holds the tenant's new transactions for the frozen placement version {@code version}. */
    public void hold(UUID tenant, long version) {
        held.merge(tenant, version, Math::max);
    }

    /** Whether the tenant's new transactions are held here. */
    public boolean held(UUID tenant) {
        return held.containsKey(tenant);
    }

    /** Tenants held now (a point-in-time copy). */
    public Set<UUID> heldTenants() {
        return Set.copyOf(held.keySet());
    }

    /**
     * Ends the hold if the tenant's placement as read now ({@code version}, {@code frozen}) is newer
     * than the frozen one and not frozen.
     */
    public void release(UUID tenant, long version, boolean frozen) {
        if (!frozen) {
            held.computeIfPresent(tenant, (t, frozenVersion) -> version > frozenVersion ? null : frozenVersion);
        }
    }

    /** Waits until no transaction of the tenant is in flight here; {@code false} if the time ran out first. */
    public boolean awaitQuiet(UUID tenant, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            AtomicInteger count = inFlight.get(tenant);
            if (count == null || count.get() <= 0) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
