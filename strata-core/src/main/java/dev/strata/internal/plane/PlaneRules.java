package dev.strata.internal.plane;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.registry.TenantRules;

import java.util.regex.Pattern;

/** Validation of what a user says about a data plane: its key, region, capacity and drain concurrency. */
public final class PlaneRules {
    private static final Pattern KEY = Pattern.compile("[a-z](?:[a-z0-9-]{0,22}[a-z0-9])?");
    /** More than any one server would hold; a larger number is a typo. */
    static final int MAX_CAPACITY = 100_000;

    private PlaneRules() {
    }

    /**
     * Checks a plane key: 1-24 characters of a-z, 0-9 and '-', starting with a letter and not
     * ending with '-'.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT}
     */
    public static String requireValidKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "A data plane key is required: 1-24 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (!KEY.matcher(key).matches()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Invalid data plane key '" + printable(key)
                    + "': use 1-24 characters of a-z, 0-9 and '-', starting with a letter and not ending with '-'");
        }
        return key;
    }

    /** Checks a key that names an existing plane: a malformed one names none. */
    public static String requireKnownShape(String key) {
        if (key == null || key.isEmpty() || !KEY.matcher(key).matches()) {
            throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + printable(String.valueOf(key))
                    + "' is registered: `strata planes list` shows the planes");
        }
        return key;
    }

    /** Checks a region label (optional), as a tenant's. */
    public static String requireValidRegion(String region) {
        return TenantRules.requireValidRegion(region);
    }

    /**
     * Checks a capacity (optional): 1 to {@value #MAX_CAPACITY} T1 databases.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT}
     */
    public static Integer requireValidCapacity(Integer capacity) {
        if (capacity != null && (capacity < 1 || capacity > MAX_CAPACITY)) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Invalid capacity " + capacity
                    + ": a plane takes 1 to " + MAX_CAPACITY + " T1 databases (leave it out for no limit)");
        }
        return capacity;
    }

    /**
     * Checks how many moves a drain runs at once: 1 to {@value dev.strata.Planes#MAX_DRAIN_CONCURRENCY}.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT}
     */
    public static int requireValidDrainConcurrency(int concurrency) {
        if (concurrency < 1 || concurrency > dev.strata.Planes.MAX_DRAIN_CONCURRENCY) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Invalid drain concurrency " + concurrency
                    + ": a drain runs 1 to " + dev.strata.Planes.MAX_DRAIN_CONCURRENCY + " moves at once (default "
                    + dev.strata.Planes.DEFAULT_DRAIN_CONCURRENCY + ")");
        }
        return concurrency;
    }

    private static String printable(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder out = new StringBuilder();
        shown.codePoints().forEach(cp -> {
            if (Character.isISOControl(cp) || Character.getType(cp) == Character.FORMAT) {
                out.append(String.format("\\u%04x", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
