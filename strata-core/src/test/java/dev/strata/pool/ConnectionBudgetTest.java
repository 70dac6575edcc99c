package dev.strata.pool;

import dev.strata.internal.pool.ConnectionBudget;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The budget's own rules: a fixed number of permits, handed to waiters in arrival order. */
class ConnectionBudgetTest {
    private static final long LONG = TimeUnit.SECONDS.toNanos(30);

    @Test
    void permits_beyond_the_size_are_refused_after_the_timeout_and_eviction_is_asked_for_meanwhile() throws Exception {
        ConnectionBudget budget = new ConnectionBudget("p", 2);
        assertThat(budget.acquire(0, () -> false)).isTrue();
        assertThat(budget.acquire(0, () -> false)).isTrue();
        AtomicInteger evictions = new AtomicInteger();
        assertThat(budget.acquire(TimeUnit.MILLISECONDS.toNanos(50), () -> {
            evictions.incrementAndGet();
            return false;
        })).isFalse();
        assertThat(evictions.get()).isPositive();
        assertThat(budget.inUse()).isEqualTo(2);
        assertThat(budget.waiting()).isZero();
        budget.release();
        assertThat(budget.acquire(0, () -> false)).isTrue();
    }

    @Test
    void an_eviction_that_frees_a_permit_serves_the_waiter() throws Exception {
        ConnectionBudget budget = new ConnectionBudget("p", 1);
        assertThat(budget.acquire(0, () -> false)).isTrue();
        assertThat(budget.acquire(LONG, () -> {
            budget.release();
            return true;
        })).isTrue();
        assertThat(budget.inUse()).isEqualTo(1);
    }

    @Test
    void waiters_are_served_in_arrival_order() throws Exception {
        ConnectionBudget budget = new ConnectionBudget("p", 1);
        assertThat(budget.acquire(0, () -> false)).isTrue();
        List<Integer> served = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        int waiters = 8;
        for (int i = 0; i < waiters; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    if (budget.acquire(LONG, () -> false)) {
                        served.add(id);
                        budget.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
            awaitWaiting(budget, i + 1);
        }
        budget.release();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(served).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(budget.inUse()).isZero();
    }

    @Test
    void a_waiter_that_gives_up_does_not_lose_the_permit_or_its_place_for_others() throws Exception {
        ConnectionBudget budget = new ConnectionBudget("p", 1);
        assertThat(budget.acquire(0, () -> false)).isTrue();
        assertThat(budget.acquire(TimeUnit.MILLISECONDS.toNanos(30), () -> false)).isFalse();
        Thread interrupted = new Thread(() -> {
            try {
                budget.acquire(LONG, () -> false);
            } catch (InterruptedException expected) {
                // leaves the queue
            }
        });
        interrupted.start();
        awaitWaiting(budget, 1);
        interrupted.interrupt();
        interrupted.join();
        assertThat(budget.waiting()).isZero();
        budget.release();
        assertThat(budget.inUse()).isZero();
        assertThat(budget.acquire(0, () -> false)).isTrue();
    }

    static void awaitWaiting(ConnectionBudget budget, int count) throws InterruptedException {
        while (budget.waiting() < count) {
            Thread.sleep(1);
        }
    }
}
