package dev.strata.internal.operation;

import java.util.Locale;

/**
 * A typed step of an operation; each kind has an enum of its own ({@link ProvisionStep},
 * {@link DecommissionStep}, {@link MigrateStep}). The journal records a step by its
 * {@link #wireName()}, followed by {@code :qualifier} for a step run once per member (a T2 of a
 * cascade, a migration target).
 */
public interface OperationStep {

    /** The enum constant's name. */
    String name();

    /** The journal's name of the step: {@code drop_database}, ... */
    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The journal's name of one run of the step for {@code qualifier} (or of the step itself if {@code null}). */
    default String journalName(String qualifier) {
        return qualifier == null ? wireName() : wireName() + ":" + qualifier;
    }
}
