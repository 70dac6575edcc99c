package dev.strata.lifecycle;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs operations at the same moment (threads released together by a latch) and collects what each one did. */
final class Race {
    private Race() {
    }

    /** What one racer ended with: a value, or the exception it threw. */
    record Outcome(Object value, Throwable error) {
        boolean succeeded() {
            return error == null;
        }

        ErrorCode code() {
            return error instanceof StrataException se ? se.code() : null;
        }

        /** Asserts it succeeded, or was refused cleanly with one of the codes (never a 500 or a raw exception). */
        Outcome doneOrRefusedWith(ErrorCode... codes) {
            if (error != null) {
                assertThat(error).as("a refusal is a StrataException with a specific code").isInstanceOf(StrataException.class);
                assertThat(code()).as("refused with %s", error.getMessage()).isIn((Object[]) codes);
            }
            return this;
        }

        Outcome done() {
            assertThat(error).as("expected success").isNull();
            return this;
        }
    }

    static List<Outcome> run(Callable<?>... racers) {
        ExecutorService threads = Executors.newFixedThreadPool(racers.length);
        CountDownLatch ready = new CountDownLatch(racers.length);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (Callable<?> racer : racers) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    go.await();
                    return racer.call();
                }));
            }
            ready.await(30, TimeUnit.SECONDS);
            go.countDown();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                try {
                    outcomes.add(new Outcome(future.get(120, TimeUnit.SECONDS), null));
                } catch (java.util.concurrent.ExecutionException e) {
                    outcomes.add(new Outcome(null, e.getCause()));
                }
            }
            return outcomes;
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError("A racer did not finish: " + e, e);
        } finally {
            threads.shutdownNow();
        }
    }

    static long successes(List<Outcome> outcomes) {
        return outcomes.stream().filter(Outcome::succeeded).count();
    }
}
