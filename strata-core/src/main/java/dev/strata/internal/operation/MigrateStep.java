package dev.strata.internal.operation;

/**
 * The steps of the migration fan-out ({@link dev.strata.OperationKind#MIGRATE}): the template
 * first, then one step per target, qualified with the target's name. Progress counts targets.
 */
public enum MigrateStep implements OperationStep {
    /** The template database: a migration that fails here touches no tenant. */
    TEMPLATE,
    /** One tenant database, tenant schema or shared RLS database. */
    TARGET
}
