package dev.strata;

import java.util.Locale;

/** Whether new T1s may land on a data plane. */
public enum PlaneStatus {
    /** New T1s may be placed here. */
    ACTIVE,
    /** Being emptied ({@link Planes#drain}): no new T1 lands here; tenants already here keep working. */
    DRAINING;

    /** The lower-case name used by the REST API, the CLI and the registry. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a {@link #wireName()}. */
    public static PlaneStatus fromWire(String text) {
        return PlaneStatus.valueOf(text.toUpperCase(Locale.ROOT));
    }
}
