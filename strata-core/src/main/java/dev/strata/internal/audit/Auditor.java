package dev.strata.internal.audit;

import dev.strata.audit.AuditReport;
import dev.strata.internal.StrataEngine;

/** Checks every tenant database's catalog against the isolation rules (see pitfalls). */
public final class Auditor {
    private final StrataEngine engine;

    public Auditor(StrataEngine engine) {
        this.engine = engine;
    }

    public AuditReport run() {
        throw new UnsupportedOperationException("TODO(audit helper): not implemented yet");
    }
}
