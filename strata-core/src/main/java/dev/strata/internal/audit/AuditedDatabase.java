package dev.strata.internal.audit;

/**
 * A database the audit looks at.
 *
 * @param dataPlane the data plane (server) holding it
 * @param name      its name
 * @param kind      what it is, which decides the rules that apply inside it
 * @param appRole   the app role that serves it, {@code null} for the management database and the template
 */
record AuditedDatabase(String dataPlane, String name, Kind kind, String appRole) {

    /** What a database is to Strata. */
    enum Kind {
        /** The T0 management database: no app role may reach it. */
        MANAGEMENT,
        /**
         * The template tenant databases are copied from. It accepts no connections (creating a
         * database from it fails while anyone is connected), so it is checked through the shared
         * catalogs only: who may connect, and what app roles own or were granted inside it.
         */
        TEMPLATE,
        /** A tenant database or a shared (RLS or schema mode) database, served by its app role. */
        TENANT
    }
}
