package dev.strata.bench;

import java.util.concurrent.ThreadLocalRandom;

/** One way of running a single-row read transaction for a random tenant; thread-safe. */
interface ReadVariant extends AutoCloseable {
    String name();

    /** Runs one transaction; returns the title it read (so nothing is optimised away). */
    String transaction(ThreadLocalRandom random) throws Exception;

    @Override
    default void close() {
    }
}
