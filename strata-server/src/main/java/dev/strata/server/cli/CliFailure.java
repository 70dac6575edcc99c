package dev.strata.server.cli;

import dev.strata.ErrorCode;

/**
 * A command failed in a way the user must hear about: its message is printed as
 * {@code error: <message>} and the process exits with {@link #exitCode()}.
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** No API key could be found (same as {@link ErrorCode#UNAUTHORIZED}). */
    public static final int NO_KEY = ErrorCode.UNAUTHORIZED.exitCode();
    /** The REST API could not be reached (same as {@link ErrorCode#SERVICE_UNAVAILABLE}). */
    public static final int UNREACHABLE = ErrorCode.SERVICE_UNAVAILABLE.exitCode();
    /** Anything without a more specific code. */
    public static final int GENERAL = 1;

    private final int exitCode;

    public CliFailure(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliFailure(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** A failure the API reported as a problem with this code (an {@link ErrorCode} name, normally). */
    public static CliFailure fromProblem(String code, String detail) {
        int exit = GENERAL;
        try {
            exit = ErrorCode.valueOf(code).exitCode();
        } catch (IllegalArgumentException | NullPointerException unknownCode) {
            // a newer server's code: the general exit code
        }
        return new CliFailure(exit, detail + " (" + code + ")");
    }

    /**
     * A local usage problem (bad file, bad option value), with {@link ErrorCode#INVALID_ARGUMENT}'s
     * exit code and, like the API's errors, its code at the end of the message.
     */
    public static CliFailure invalid(String message) {
        String suffix = " (" + ErrorCode.INVALID_ARGUMENT + ")";
        return new CliFailure(ErrorCode.INVALID_ARGUMENT.exitCode(), message.endsWith(suffix) ? message : message + suffix);
    }

    public int exitCode() {
        return exitCode;
    }
}
