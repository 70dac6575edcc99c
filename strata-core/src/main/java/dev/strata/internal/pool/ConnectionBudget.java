package dev.strata.internal.pool;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The most server connections the tenant pools of one data plane may hold together. A physical
 * connection takes a permit when it opens and gives it back when it closes. When none is free,
 * the caller asks for idle pools to be evicted (least recently used first) and waits its turn:
 * permits are handed out first come, first served. Thread-safe.
 */
public final class ConnectionBudget {
    private static final long EVICTION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final String dataPlane;
    private final int size;
    private final Semaphore permits;

    public ConnectionBudget(String dataPlane, int size) {
        this.dataPlane = dataPlane;
        this.size = size;
        this.permits = new Semaphore(size, true);
    }

    /**
     * Takes a permit, evicting idle connections elsewhere when none is free.
     *
     * @param evictor frees at least one permit if it can (returns whether it did anything)
     * @return whether a permit was taken before the timeout
     */
    public boolean acquire(long timeoutNanos, BooleanSupplier evictor) throws InterruptedException {
        if (permits.tryAcquire(0, TimeUnit.NANOSECONDS)) {
            return true;
        }
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            evictor.getAsBoolean();
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            if (permits.tryAcquire(Math.min(left, EVICTION_RETRY_NANOS), TimeUnit.NANOSECONDS)) {
                return true;
            }
        }
    }

    public void release() {
        permits.release();
    }

    /** Connections open now (a point-in-time count). */
    public int inUse() {
        return size - permits.availablePermits();
    }

    public int size() {
        return size;
    }

    public String dataPlane() {
        return dataPlane;
    }
}
