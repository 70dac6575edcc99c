package dev.strata.internal.neon;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

/**
 * A Neon API call that Neon answered with an error ({@link ErrorCode#DATA_PLANE_FAILED}): the HTTP
 * status and Neon's error code (e.g. 422 {@code BRANCHES_LIMIT_EXCEEDED}) let callers react to
 * the few answers they handle.
 */
public final class NeonCallException extends StrataException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String neonCode;

    public NeonCallException(int status, String neonCode, String message) {
        super(ErrorCode.DATA_PLANE_FAILED, message);
        this.status = status;
        this.neonCode = neonCode == null ? "" : neonCode;
    }

    public int status() {
        return status;
    }

    /** Neon's error code, empty if it gave none. */
    public String neonCode() {
        return neonCode;
    }

    /** Whether Neon refused a branch because the project holds as many as its plan allows. */
    public boolean branchLimitExceeded() {
        return status == 422 && "BRANCHES_LIMIT_EXCEEDED".equals(neonCode);
    }
}
