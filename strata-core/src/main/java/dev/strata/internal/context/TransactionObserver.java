package dev.strata.internal.context;

import dev.strata.internal.routing.Route;

/**
 * Hooks around every tenant transaction: admission (concurrency limits) and measurement.
 * {@link #begin} may refuse with an exception; {@link #end} is called exactly once for every
 * ticket {@code begin} returned.
 */
public interface TransactionObserver {

    /** An admitted transaction. */
    interface Ticket {
    }

    Ticket begin(Route route);

    void end(Ticket ticket, boolean failed);

    /** Observes nothing, admits everything. */
    TransactionObserver NONE = new TransactionObserver() {
        private final Ticket ticket = new Ticket() {
        };

        @Override
        public Ticket begin(Route route) {
            return ticket;
        }

        @Override
        public void end(Ticket t, boolean failed) {
        }
    };
}
