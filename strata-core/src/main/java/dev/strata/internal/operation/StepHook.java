package dev.strata.internal.operation;

import dev.strata.OperationKind;

import java.util.UUID;

/**
 * Called before each journalled step of an operation runs, on the thread running it (after the
 * step's {@code started} record). For tests that pause or fail an operation at a given step; the
 * default does nothing.
 */
@FunctionalInterface
public interface StepHook {
    StepHook NONE = (operation, kind, step, qualifier) -> { };

    /**
     * @param qualifier the member the step runs for (a cascade's T2, a migration target), or {@code null}
     */
    void beforeStep(UUID operation, OperationKind kind, OperationStep step, String qualifier);
}
