package dev.strata.internal.sql;

import java.util.Locale;
import java.util.UUID;

/**
 * Names of everything Strata creates on a server, derived from the namespace and immutable
 * tenant ids only, never from user text.
 */
public final class PhysicalNames {
    /** Schema of the tables shared by RLS-mode tenants. */
    public static final String APP_SCHEMA = "app";
    /** Schema of the context functions and the local tenant registry. */
    public static final String PLATFORM_SCHEMA = "platform";

    private final String namespace;

    public PhysicalNames(String namespace) {
        this.namespace = Identifiers.requireSafeName(namespace);
    }

    public String namespace() {
        return namespace;
    }

    /** The T0 management database. */
    public String managementDatabase() {
        return namespace;
    }

    /** The template every tenant database is created from. */
    public String templateDatabase() {
        return namespace + "_template";
    }

    /** A database of one tenant's own (database mode). */
    public String tenantDatabase(UUID tenantId) {
        return namespace + "_t_" + hex(tenantId);
    }

    /** The database shared by RLS-mode T1s. */
    public String sharedRlsDatabase() {
        return namespace + "_shared_rls";
    }

    /** The database holding the schemas of schema-mode T1s. */
    public String sharedSchemaDatabase() {
        return namespace + "_shared_schema";
    }

    /**
     * The database shared by RLS-mode T1s on a data plane: {@link #sharedRlsDatabase()} on the
     * default plane, suffixed with the plane's key elsewhere (app roles are cluster-wide and unique
     * in the registry, so each plane's shared database needs a name of its own).
     */
    public String sharedRlsDatabase(String plane) {
        return onPlane(sharedRlsDatabase(), plane);
    }

    /** The database of schema-mode T1s on a data plane; see {@link #sharedRlsDatabase(String)}. */
    public String sharedSchemaDatabase(String plane) {
        return onPlane(sharedSchemaDatabase(), plane);
    }

    private static String onPlane(String name, String plane) {
        if (plane == null || DataPlane.DEFAULT_KEY.equals(plane)) {
            return name;
        }
        return Identifiers.requireSafeName(name + "_" + plane.replace('-', '_'));
    }

    /** The app role of a database: the only role the request path uses there. */
    public String appRole(String database) {
        return Identifiers.requireSafeName(database.replaceFirst("^" + namespace + "_", namespace + "_app_"));
    }

    /**
     * The role a T1's transactions switch to ({@code SET LOCAL ROLE}) so that only they get the
     * policy that lets a T1 read its T2s' rows; T2 transactions keep the app role and a policy
     * that is a single equality, as cheap as a hand-written filter. Every app role is a member
     * (NOINHERIT, so it gains no privileges by membership alone). Cluster-wide, one per namespace.
     */
    public String t1ContextRole() {
        return namespace + "_t1_context";
    }

    /**
     * The role T0 analytics log in as ({@code Strata.analytics()}): {@code LOGIN} and nothing else
     * (no superuser, no {@code BYPASSRLS}, member of no role), {@code CONNECT} on every tenant
     * database, {@code SELECT} only on the app schemas' tenant tables, views and reference data, and
     * the one policy {@code strata_t0_reads_all} (reads, and only under a T0 context). Cluster-wide,
     * one per namespace.
     */
    public String t0ReaderRole() {
        return namespace + "_t0_reader";
    }

    /** A schema-mode tenant's schema. */
    public static String tenantSchema(UUID tenantId) {
        return "t_" + hex(tenantId);
    }

    private static String hex(UUID id) {
        return id.toString().replace("-", "").toLowerCase(Locale.ROOT);
    }
}
