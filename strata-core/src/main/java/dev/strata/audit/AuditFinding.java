package dev.strata.audit;

import java.util.Objects;

/**
 * One finding of {@link dev.strata.Strata#audit()}.
 *
 * @param severity violation or warning
 * @param check    machine-readable name of the rule, e.g. {@code rls_forced}, {@code app_role_attributes}
 * @param database the database it was found in
 * @param object   the object concerned (table, role, function, view), qualified where it helps
 * @param message  what is wrong and what to do about it
 */
public record AuditFinding(AuditSeverity severity, String check, String database, String object, String message) {
    public AuditFinding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(message, "message");
    }
}
