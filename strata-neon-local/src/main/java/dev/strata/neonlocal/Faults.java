package dev.strata.neonlocal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults a test or a user injects into a running {@link NeonLocal}, to see a client cope with
 * what Neon does under load. Each counter is consumed by the next matching requests. Thread-safe.
 */
public final class Faults {
    private final AtomicInteger locked = new AtomicInteger();
    private final AtomicInteger throttled = new AtomicInteger();
    private final AtomicInteger failedOperations = new AtomicInteger();
    private final AtomicInteger refusedConnections = new AtomicInteger();

    /** The next {@code n} mutating requests answer 423 Locked, as if the project were busy. */
    public Faults lockNext(int n) {
        locked.set(n);
        return this;
    }

    /** The next {@code n} requests answer 429 Too Many Requests. */
    public Faults throttleNext(int n) {
        throttled.set(n);
        return this;
    }

    /** The next {@code n} asynchronous operations end {@code failed}. */
    public Faults failNextOperations(int n) {
        failedOperations.set(n);
        return this;
    }

    /** The next {@code n} connections to a compute are refused while it starts (SQLSTATE 57P03). */
    public Faults refuseNextConnections(int n) {
        refusedConnections.set(n);
        return this;
    }

    boolean takeLocked() {
        return take(locked);
    }

    boolean takeThrottled() {
        return take(throttled);
    }

    boolean takeFailedOperation() {
        return take(failedOperations);
    }

    boolean takeRefusedConnection() {
        return take(refusedConnections);
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }
}
