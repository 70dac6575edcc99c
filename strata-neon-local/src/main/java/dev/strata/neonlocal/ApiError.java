package dev.strata.neonlocal;

/** An API answer other than success: HTTP status, Neon's error code and message. */
final class ApiError extends RuntimeException {
    final int status;
    final String code;
    final long retryAfterSeconds;

    ApiError(int status, String code, String message) {
        this(status, code, message, 0);
    }

    ApiError(int status, String code, String message, long retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError notFound(String what) {
        return new ApiError(404, "", what + " not found");
    }

    static ApiError bad(String message) {
        return new ApiError(400, "", message);
    }
}
