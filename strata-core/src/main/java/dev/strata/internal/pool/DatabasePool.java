package dev.strata.internal.pool;

import com.zaxxer.hikari.HikariDataSource;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One database's HikariCP pool, with a count of the transactions using it so that eviction
 * never closes a pool in use: {@link #retain()} fails once {@link #tryClose()} has won.
 */
final class DatabasePool {
    private static final int CLOSED = -1;

    final DatabaseKey key;
    final HikariDataSource dataSource;
    private final AtomicInteger users = new AtomicInteger();
    private volatile long lastUsedNanos = System.nanoTime();

    DatabasePool(DatabaseKey key, HikariDataSource dataSource) {
        this.key = key;
        this.dataSource = dataSource;
    }

    /** Registers a user; false if the pool is closed (the caller makes a new one). */
    boolean retain() {
        while (true) {
            int n = users.get();
            if (n == CLOSED) {
                return false;
            }
            if (users.compareAndSet(n, n + 1)) {
                lastUsedNanos = System.nanoTime();
                return true;
            }
        }
    }

    void release() {
        lastUsedNanos = System.nanoTime();
        users.decrementAndGet();
    }

    /** Closes the pool if nobody uses it; returns whether it did. */
    boolean tryClose() {
        if (!users.compareAndSet(0, CLOSED)) {
            return false;
        }
        dataSource.close();
        return true;
    }

    /**
     * Closes the pool's connections if nobody uses it (asynchronously: each gives its budget
     * permit back once its socket is closed); the pool stays usable. Returns whether it did.
     */
    boolean evictConnections() {
        var mx = dataSource.getHikariPoolMXBean();
        if (mx == null || !idle()) {
            return false;
        }
        mx.softEvictConnections();
        return true;
    }

    /** Closes the pool even if in use (shutdown, database dropped). */
    void forceClose() {
        users.set(CLOSED);
        dataSource.close();
    }

    boolean idle() {
        return users.get() == 0;
    }

    int openConnections() {
        var mx = dataSource.getHikariPoolMXBean();
        return mx == null ? 0 : mx.getTotalConnections();
    }

    long lastUsedNanos() {
        return lastUsedNanos;
    }
}
