package dev.strata.audit;

import java.time.Instant;
import java.util.List;

/**
 * The result of checking every tenant database's catalog against the isolation rules.
 *
 * @param checkedAt when the audit ran
 * @param databases the databases checked
 * @param checks    the names of the rules applied
 * @param findings  what was found, violations first
 */
public record AuditReport(Instant checkedAt, List<String> databases, List<String> checks, List<AuditFinding> findings) {
    public AuditReport {
        databases = List.copyOf(databases);
        checks = List.copyOf(checks);
        findings = List.copyOf(findings);
    }

    /** How many findings are violations. */
    public long violations() {
        return findings.stream().filter(f -> f.severity() == AuditSeverity.VIOLATION).count();
    }

    /** Whether no rule is violated (warnings allowed). */
    public boolean passed() {
        return violations() == 0;
    }
}
