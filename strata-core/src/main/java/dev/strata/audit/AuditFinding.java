package dev.strata.audit;

import java.util.Objects;

/**
 * One finding of {@link dev.strata.Strata#audit()}. Immutable.
 *
 * @param severity violation or warning
 * @param check    machine-readable name of the rule, one of {@link AuditReport#checks()}, e.g.
 *                 {@code rls_enabled_and_forced}, {@code app_role_attributes}
 * @param database the database it concerns (for a role, the database the role serves); {@code null}
 *                 only for a setting that applies to every database of the server
 * @param object   the object concerned, schema-qualified where it has a schema: a table, view, index
 *                 or constraint ({@code app.documents}), a function with its argument types
 *                 ({@code platform.current_tenant_id()}), a role, a schema, or {@code PUBLIC}
 * @param message  what is wrong, why it matters and the statement that repairs it
 */
public record AuditFinding(AuditSeverity severity, String check, String database, String object, String message) {
    public AuditFinding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
    }
}
