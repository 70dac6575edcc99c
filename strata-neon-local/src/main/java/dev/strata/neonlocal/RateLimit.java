package dev.strata.neonlocal;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Neon's API rate limits: at most {@code perMinute} requests in any sliding minute and
 * {@code perSecond} in any sliding second. Thread-safe.
 */
final class RateLimit {
    private final int perMinute;
    private final int perSecond;
    private final Deque<Long> minute = new ArrayDeque<>();
    private final Deque<Long> second = new ArrayDeque<>();

    RateLimit(int perMinute, int perSecond) {
        this.perMinute = perMinute;
        this.perSecond = perSecond;
    }

    /** Admits a request now, or returns how many seconds to wait (the {@code Retry-After}). */
    synchronized long admit(long nowMillis) {
        while (!minute.isEmpty() && minute.peekFirst() <= nowMillis - 60_000) {
            minute.pollFirst();
        }
        while (!second.isEmpty() && second.peekFirst() <= nowMillis - 1_000) {
            second.pollFirst();
        }
        if (minute.size() >= perMinute) {
            return Math.max(1, (minute.peekFirst() + 60_000 - nowMillis + 999) / 1000);
        }
        if (second.size() >= perSecond) {
            return 1;
        }
        minute.addLast(nowMillis);
        second.addLast(nowMillis);
        return 0;
    }
}
