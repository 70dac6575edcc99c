package dev.strata.internal.move;

import dev.strata.ErrorCode;
import dev.strata.StrataException;

import java.util.regex.Pattern;

/**
 * The validated name of one capture and the names of the replication artefacts derived from it:
 * the publication and the logical slot on the source ({@code strata_mv_<name>}), the temporary slot
 * that exports the initial copy's snapshot ({@code strata_mv_<name>_c}) and the replication origin
 * on the target that records how far the target has applied ({@code strata_mv_<name>}). Immutable.
 */
record CaptureName(String value) {
    /** Every artefact of every capture starts with this prefix (cleanup and tests find them by it). */
    static final String PREFIX = "strata_mv_";
    private static final Pattern VALID = Pattern.compile("[a-z0-9_]{1,40}");

    CaptureName {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Capture name '" + value
                    + "' is not valid: use 1 to 40 characters of a-z, 0-9 and _ (derived from the operation id)");
        }
    }

    static CaptureName of(String value) {
        return new CaptureName(value);
    }

    /** The publication on the source. */
    String publication() {
        return PREFIX + value;
    }

    /** The logical replication slot on the source. */
    String slot() {
        return PREFIX + value;
    }

    /** The temporary slot whose exported snapshot the initial copy reads. */
    String copySlot() {
        return PREFIX + value + "_c";
    }

    /** The replication origin on the target's server. */
    String origin() {
        return PREFIX + value;
    }

    /** The application_name of the capture's connections (stale ones are found and ended by it). */
    String applicationName() {
        return "strata-capture-" + value;
    }
}
