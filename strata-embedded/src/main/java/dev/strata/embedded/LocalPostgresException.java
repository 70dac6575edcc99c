package dev.strata.embedded;

import java.util.Objects;

/**
 * Why {@link LocalPostgres} could not start, attach or stop; the message says what was wrong and
 * what to do. Callers that speak Strata's error codes map {@link #reason()} onto them
 * ({@code INVALID_CONFIGURATION} and {@code INTERNAL} have the same meaning there).
 */
public final class LocalPostgresException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Reason {
        /**
         * The data directory or what is in it cannot be used as it is (others may write to it, it
         * holds something that is not a cluster, the password file is missing or empty), or the
         * server another process runs on it does not accept connections: the user must act.
         */
        INVALID_CONFIGURATION,
        /** Interrupted while waiting, or stopping the server failed. */
        INTERNAL
    }

    private final Reason reason;

    public LocalPostgresException(Reason reason, String message) {
        this(reason, message, null);
    }

    public LocalPostgresException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** What kind of failure this is. */
    public Reason reason() {
        return reason;
    }
}
