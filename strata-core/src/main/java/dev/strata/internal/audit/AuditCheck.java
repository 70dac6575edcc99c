package dev.strata.internal.audit;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The rules the audit applies, in report order, and where each one's catalog queries run. A
 * rule's queries live in {@code audit/cluster/<name>.sql} (run once per server, over the shared
 * catalogs: roles, memberships, databases, role settings, ownership in the template) and/or
 * {@code audit/database/<name>.sql} (run inside each database it applies to), or
 * {@code audit/management/<name>.sql} (run once over the registry in the management database).
 */
enum AuditCheck {
    APP_ROLE_ATTRIBUTES(true),
    APP_ROLE_OWNS_NOTHING(true, AuditedDatabase.Kind.MANAGEMENT, AuditedDatabase.Kind.TENANT),
    APP_ROLE_NO_CREATE(true, AuditedDatabase.Kind.MANAGEMENT, AuditedDatabase.Kind.TENANT),
    APP_ROLE_TABLE_PRIVILEGES(true, AuditedDatabase.Kind.MANAGEMENT, AuditedDatabase.Kind.TENANT),
    CONTEXT_DEFAULTS(true),
    DATABASE_CONNECT_PRIVILEGES(true),
    RLS_ENABLED_AND_FORCED(false, AuditedDatabase.Kind.TENANT),
    /** Every table of an app schema has tenant_id or is declared shared reference data. */
    TABLES_HAVE_TENANT_ID(false, AuditedDatabase.Kind.TENANT),
    RLS_POLICIES(false, AuditedDatabase.Kind.TENANT),
    /** Tables of a schema writable only by the tenants placed in it (the placement guard). */
    PLACEMENT_GUARD(false, AuditedDatabase.Kind.TENANT),
    KEYS_INCLUDE_TENANT_ID(false, AuditedDatabase.Kind.TENANT),
    VIEWS_SECURITY_INVOKER(false, AuditedDatabase.Kind.TENANT),
    SECURITY_DEFINER_FUNCTIONS(false, AuditedDatabase.Kind.MANAGEMENT, AuditedDatabase.Kind.TENANT),
    CONTEXT_FUNCTIONS(false, AuditedDatabase.Kind.TENANT),
    LEAKPROOF_FUNCTIONS(false, AuditedDatabase.Kind.TENANT),
    TENANT_ID_INDEXED(false, AuditedDatabase.Kind.TENANT),
    SHARED_SEQUENCES(false, AuditedDatabase.Kind.TENANT),
    /**
     * A tenant with a region (its own, or its T1's) whose data sits on a plane of another region or
     * of none: read from the management database's registry ({@code audit/management/}).
     */
    DATA_RESIDENCY(false),
    /** A registered database the audit could not inspect (absent from the server). */
    AUDIT_COVERAGE(false);

    private final boolean cluster;
    private final Set<AuditedDatabase.Kind> databases;

    AuditCheck(boolean cluster, AuditedDatabase.Kind... databases) {
        this.cluster = cluster;
        this.databases = databases.length == 0 ? EnumSet.noneOf(AuditedDatabase.Kind.class) : EnumSet.of(databases[0], databases);
    }

    /** The {@code check} value of its findings. */
    String checkName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The queries of every rule that run once per server. */
    static List<CatalogQuery> clusterQueries() {
        List<CatalogQuery> out = new ArrayList<>();
        for (AuditCheck check : values()) {
            if (check.cluster) {
                out.add(CatalogQuery.load("cluster", check.checkName()));
            }
        }
        return List.copyOf(out);
    }

    /** The queries of every rule that runs inside a database of the given kind. */
    static List<CatalogQuery> databaseQueries(AuditedDatabase.Kind kind) {
        List<CatalogQuery> out = new ArrayList<>();
        for (AuditCheck check : values()) {
            if (check.databases.contains(kind)) {
                out.add(CatalogQuery.load("database", check.checkName()));
            }
        }
        return List.copyOf(out);
    }

    /** The rules read from the management database's registry rather than from a catalog. */
    private static final Set<AuditCheck> REGISTRY_CHECKS = EnumSet.of(DATA_RESIDENCY);

    /** The queries of every rule that runs over the registry in the management database. */
    static List<CatalogQuery> registryQueries() {
        List<CatalogQuery> out = new ArrayList<>();
        for (AuditCheck check : REGISTRY_CHECKS) {
            out.add(CatalogQuery.load("management", check.checkName()));
        }
        return List.copyOf(out);
    }

    static List<String> names() {
        List<String> out = new ArrayList<>();
        for (AuditCheck check : values()) {
            out.add(check.checkName());
        }
        return List.copyOf(out);
    }
}
