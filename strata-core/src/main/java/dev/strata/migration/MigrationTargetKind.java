package dev.strata.migration;

import java.util.Locale;

/** What kind of app schema a migration target is. */
public enum MigrationTargetKind {
    /** The template database's app schema: migrated first; a migration that fails there touches no tenant. */
    TEMPLATE,
    /** The shared {@code app} schema of a tenant's own database (a T1 and its RLS T2s, or a database-mode tenant). */
    DATABASE,
    /** A tenant schema ({@code t_<id>}) of a schema-mode tenant. */
    SCHEMA,
    /** The shared {@code app} schema of a database shared by several tenants (RLS-mode T1s, schema-mode T1s' database). */
    SHARED;

    /** The lower-case name used in JSON and on the command line. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
