package dev.strata.audit;

/** How serious an audit finding is. */
public enum AuditSeverity {
    /** Breaks an isolation rule: data of one tenant could reach another. The audit fails. */
    VIOLATION,
    /** Weakens defence in depth or hints at drift; the audit still passes. */
    WARNING
}
