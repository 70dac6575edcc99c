package dev.strata;

import java.util.Objects;

/**
 * The one unchecked exception Strata throws. {@link #code()} says what went wrong in a form a
 * program can branch on; the message says it in words, including what to do about it.
 *
 * <p>Operations that throw a {@code StrataException} for bad input have written nothing.
 */
public class StrataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public StrataException(ErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code");
    }

    public StrataException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    /** The machine-readable reason. */
    public ErrorCode code() {
        return code;
    }

    @Override
    public String toString() {
        return "StrataException[" + code + "]: " + getMessage();
    }
}
