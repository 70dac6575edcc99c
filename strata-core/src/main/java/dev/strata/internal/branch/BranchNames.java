package dev.strata.internal.branch;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.registry.TenantRules;

import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The rules for a dev branch's name, and the deterministic names Strata gives its Neon branch and
 * role (derived from the T1's id and the name, so a creation resumed after a crash finds what Neon
 * already made, and two T1s sharing a Neon project never collide).
 */
public final class BranchNames {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private BranchNames() {
    }

    /**
     * Checks a branch name.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} saying what a name must be
     */
    public static String require(String name) {
        if (name == null || name.isBlank()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "A branch name is required: 1-40 characters of a-z, 0-9 and '-', starting with a letter");
        }
        if (!NAME.matcher(name).matches()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Invalid branch name '" + TenantRules.printable(name)
                    + "': use 1-40 characters of a-z, 0-9 and '-', starting with a letter (e.g. dev, staging)");
        }
        return name;
    }

    /** The Neon branch's name: {@code strata-<t1 id>-<name>}. */
    public static String neonBranch(UUID tenantId, String name) {
        return "strata-" + tenantId + "-" + name;
    }

    /** The branch's own role: {@code dev_<16 hex of the T1's id>_<name>} (at most 61 characters). */
    public static String role(UUID tenantId, String name) {
        return "dev_" + tenantId.toString().replace("-", "").substring(0, 16) + "_"
                + name.replace('-', '_').toLowerCase(Locale.ROOT);
    }
}
