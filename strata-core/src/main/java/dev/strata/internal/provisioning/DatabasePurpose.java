package dev.strata.internal.provisioning;

import java.util.Locale;

/** Why a database exists: one tenant's own, or shared by many tenants of one mode. */
public enum DatabasePurpose {
    /** A database of one tenant (a T1 and the T2s sharing it, or a database-mode T2). */
    TENANT,
    /** The database shared by RLS-mode T1s. */
    SHARED_RLS,
    /** The database holding schema-mode T1s' schemas. */
    SHARED_SCHEMA;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static DatabasePurpose parse(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
