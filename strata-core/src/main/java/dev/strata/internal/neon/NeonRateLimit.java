package dev.strata.internal.neon;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The client's side of Neon's rate limits, shared by every call to one Neon account: at most
 * {@code perMinute} requests in any sliding minute and {@code perSecond} in any sliding second
 * (Neon: 700 and 40). A caller waits for its turn instead of being answered 429. The windows are
 * counted a little longer than Neon's (a quarter second, two seconds) so that requests still
 * arriving within Neon's window after network jitter do not exceed it. Thread-safe.
 */
final class NeonRateLimit {
    private final int perMinute;
    private final int perSecond;
    private final Deque<Long> minute = new ArrayDeque<>();
    private final Deque<Long> second = new ArrayDeque<>();
    private static final long SECOND = 1_250;
    private static final long MINUTE = 62_000;

    NeonRateLimit(int perMinute, int perSecond) {
        this.perMinute = perMinute;
        this.perSecond = perSecond;
    }

    /** Waits until a request may be sent, then counts it. */
    void acquire() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                long now = System.nanoTime() / 1_000_000;
                while (!minute.isEmpty() && minute.peekFirst() <= now - MINUTE) {
                    minute.pollFirst();
                }
                while (!second.isEmpty() && second.peekFirst() <= now - SECOND) {
                    second.pollFirst();
                }
                if (minute.size() < perMinute && second.size() < perSecond) {
                    minute.addLast(now);
                    second.addLast(now);
                    return;
                }
                wait = minute.size() >= perMinute ? minute.peekFirst() + MINUTE - now : second.peekFirst() + SECOND - now;
            }
            Thread.sleep(Math.max(1, wait));
        }
    }

    /** After a 429: nobody sends before {@code seconds} have passed. */
    synchronized void pause(long seconds) {
        long until = System.nanoTime() / 1_000_000 + seconds * 1000;
        // filling the second window with the pause's end keeps every caller waiting until then
        second.clear();
        for (int i = 0; i < perSecond; i++) {
            second.addLast(until - SECOND);
        }
    }
}
