package dev.strata.internal.provisioning;

import java.util.UUID;

/**
 * Called before each journalled step of an operation runs, on the thread running it (after the
 * step's {@code started} record). For tests that pause or fail an operation at a given step; the
 * default does nothing.
 */
@FunctionalInterface
public interface StepHook {
    StepHook NONE = (operation, kind, step) -> { };

    void beforeStep(UUID operation, String kind, String step);
}
