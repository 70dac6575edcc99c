package dev.strata.internal.audit;

import dev.strata.audit.AuditFinding;
import dev.strata.audit.AuditSeverity;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit's rules about the objects of one schema, run by the migrator on a schema it has just
 * migrated, so that what a migration is refused for and what {@code strata audit} reports agree:
 * keys of tenant tables include {@code tenant_id}, views are {@code security_invoker}, no
 * materialized view holds tenant rows. Stateless and thread-safe.
 */
public final class SchemaRules {
    private static final List<CatalogQuery> QUERIES = List.of(
            CatalogQuery.load("database", AuditCheck.KEYS_INCLUDE_TENANT_ID.checkName()),
            CatalogQuery.load("database", AuditCheck.VIEWS_SECURITY_INVOKER.checkName()));

    private SchemaRules() {
    }

    /** The violations (warnings left out) the audit would report about the objects of {@code schema}. */
    public static List<AuditFinding> violations(Connection c, String schema, String t1Role) throws SQLException {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("kind", "tenant");
        arguments.put("schema", schema);
        arguments.put("own_role", null);
        arguments.put("t1_role", t1Role);
        arguments.put("app_roles", new String[] {t1Role});
        arguments.put("owner_schemas", new String[0]);
        arguments.put("owner_ids", new String[0]);
        List<AuditFinding> out = new ArrayList<>();
        for (CatalogQuery query : QUERIES) {
            for (AuditFinding finding : query.run(c, arguments)) {
                if (finding.severity() == AuditSeverity.VIOLATION) {
                    out.add(finding);
                }
            }
        }
        return out;
    }
}
