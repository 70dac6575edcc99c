package dev.strata.internal.metrics;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.TenantLimits;
import dev.strata.internal.routing.Route;

import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Caps how many transactions each tenant runs at once in this process. Callers over the cap wait
 * in arrival order (a fair semaphore per tenant) up to the tenant's {@code acquireTimeout}, then
 * fail with {@link ErrorCode#TENANT_THROTTLED}. A tenant without a practical cap
 * ({@code Integer.MAX_VALUE}) costs nothing. When a tenant's cap changes, new transactions use a
 * new semaphore at once while those running finish on the old one. Thread-safe.
 */
final class ConcurrencyLimiter {

    /** The slots of one tenant under one cap. */
    static final class Slots {
        final int max;
        final Semaphore semaphore;

        Slots(int max) {
            this.max = max;
            this.semaphore = new Semaphore(max, true);
        }
    }

    private final ConcurrentHashMap<UUID, Slots> slots = new ConcurrentHashMap<>();

    /**
     * Takes a slot of the route's tenant, waiting in line up to its acquire timeout.
     *
     * @return the slots to give the slot back to, or {@code null} if the tenant has no cap
     * @throws StrataException {@link ErrorCode#TENANT_THROTTLED} if no slot freed up in time
     */
    Slots admit(Route route) {
        TenantLimits limits = route.limits();
        int max = limits.maxConcurrentTransactions();
        if (max == Integer.MAX_VALUE) {
            return null;
        }
        Slots current = slots.get(route.tenantId());
        if (current == null || current.max != max) {
            current = slots.compute(route.tenantId(), (id, old) -> old != null && old.max == max ? old : new Slots(max));
        }
        boolean admitted;
        try {
            admitted = current.semaphore.tryAcquire(limits.acquireTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.TENANT_THROTTLED,
                    "Interrupted while tenant '" + route.slug() + "' waited for one of its " + max + " transaction slots", e);
        }
        if (!admitted) {
            throw new StrataException(ErrorCode.TENANT_THROTTLED, "Tenant '" + route.slug() + "' already runs " + max
                    + " transaction(s) at once, its limit, and none finished within " + limits.acquireTimeout().toMillis()
                    + " ms: retry later, or raise its limit if it needs more");
        }
        return current;
    }

    int waiting(UUID tenantId) {
        Slots s = slots.get(tenantId);
        return s == null ? 0 : s.semaphore.getQueueLength();
    }

    /** Drops a tenant's slots (it will run no more transactions here). */
    void forget(UUID tenantId) {
        slots.remove(tenantId);
    }

    void release(Slots taken) {
        if (taken != null) {
            taken.semaphore.release();
        }
    }
}
