package dev.strata;

import java.util.Locale;

/**
 * Where a tenant's rows live, chosen per tenant.
 *
 * <ul>
 *   <li>{@link #RLS}: in tables shared with other tenants, filtered by row level security;</li>
 *   <li>{@link #SCHEMA}: in a schema of its own (named from its id) inside a shared database;</li>
 *   <li>{@link #DATABASE}: in a database of its own, reached with an app role of its own.</li>
 * </ul>
 */
public enum IsolationMode {
    RLS, SCHEMA, DATABASE;

    /** The lower-case name used in SQL, JSON and on the command line. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads a mode from its wire name ({@code rls}, {@code schema}, {@code database}).
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for anything else
     */
    public static IsolationMode parse(String text) {
        if (text != null) {
            for (IsolationMode mode : values()) {
                if (mode.wireName().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return mode;
                }
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                "Unknown isolation mode '" + text + "': use rls, schema or database");
    }
}
