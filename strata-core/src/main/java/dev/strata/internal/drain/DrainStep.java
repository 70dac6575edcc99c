package dev.strata.internal.drain;

import dev.strata.internal.operation.OperationStep;

/** The steps of a drain ({@link dev.strata.OperationKind#DRAIN}). */
public enum DrainStep implements OperationStep {
    /** The tenants on the plane are listed (again, on every run: a resumed drain starts from what is left). */
    PLAN,
    /** One tenant is moved off the plane (qualifier: its slug); its outcome is in the drain's report. */
    MOVE,
    /** No placement is left on the plane. */
    FINISH,
    /** Compensation (abort): unfinished moves are rolled back (or finished, if their routing flipped). */
    ABORT
}
