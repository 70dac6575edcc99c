package dev.strata.internal.pool;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The most server connections the tenant pools of one data plane may hold together. A physical
 * connection takes a permit when it opens and gives it back when it closes. When none is free,
 * the caller queues and, while it waits, asks for idle pools to be evicted (least recently used
 * first). A released permit goes straight to the longest waiter: permits are handed out strictly
 * first come, first served, however often waiters wake up to evict. Thread-safe.
 */
public final class ConnectionBudget {
    private static final long EVICTION_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /** A queued caller; {@code granted} is set under the lock by the releaser that chose it. */
    private static final class Waiter {
        final Thread thread = Thread.currentThread();
        volatile boolean granted;
    }

    private final String dataPlane;
    private final int size;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int available;

    public ConnectionBudget(String dataPlane, int size) {
        this.dataPlane = dataPlane;
        this.size = size;
        this.available = size;
    }

    /**
     * Takes a permit, evicting idle connections elsewhere while none is free.
     *
     * @param evictor frees at least one permit if it can (returns whether it did anything); called
     *                without any lock held
     * @return whether a permit was taken before the timeout
     */
    public boolean acquire(long timeoutNanos, BooleanSupplier evictor) throws InterruptedException {
        Waiter me;
        lock.lock();
        try {
            if (waiters.isEmpty() && available > 0) {
                available--;
                return true;
            }
            me = new Waiter();
            waiters.addLast(me);
        } finally {
            lock.unlock();
        }
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (!me.granted) {
                evictor.getAsBoolean();
                long left = deadline - System.nanoTime();
                if (me.granted || left <= 0) {
                    break;
                }
                LockSupport.parkNanos(this, Math.min(left, EVICTION_RETRY_NANOS));
                if (Thread.interrupted()) {
                    interrupted = true;
                    break;
                }
            }
        } catch (RuntimeException e) {
            giveUp(me);
            throw e;
        }
        if (me.granted && !interrupted) {
            return true;
        }
        giveUp(me);
        if (interrupted) {
            throw new InterruptedException("Interrupted while waiting for a connection of data plane '" + dataPlane + "'");
        }
        return false;
    }

    /** Leaves the queue; a permit granted in the meantime is passed on to the next waiter. */
    private void giveUp(Waiter me) {
        lock.lock();
        try {
            if (!waiters.remove(me) && me.granted) {
                me.granted = false;
                grantOrKeep();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives a permit back: to the longest waiter if there is one. */
    public void release() {
        lock.lock();
        try {
            grantOrKeep();
        } finally {
            lock.unlock();
        }
    }

    private void grantOrKeep() {
        Waiter next = waiters.pollFirst();
        if (next == null) {
            available++;
            return;
        }
        next.granted = true;
        LockSupport.unpark(next.thread);
    }

    /** Connections open now (a point-in-time count). */
    public int inUse() {
        lock.lock();
        try {
            return size - available;
        } finally {
            lock.unlock();
        }
    }

    /** Callers queued for a permit now (a point-in-time count). */
    public int waiting() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        return size;
    }

    public String dataPlane() {
        return dataPlane;
    }
}
