package dev.strata.internal.operation;

/**
 * The steps of a provisioning ({@link dev.strata.OperationKind#PROVISION}) and of an import
 * ({@link dev.strata.OperationKind#IMPORT}, which is a provisioning that also loads data), in the
 * order they run. Each is idempotent, so a resumed operation runs the unfinished ones again.
 */
public enum ProvisionStep implements OperationStep {
    /** The tenant's database (own or shared) exists, complete, with its app role. */
    DATABASE,
    /** Schema mode: the tenant's own schema exists with the app tables. */
    SCHEMA,
    /** The database's local copy of the registry knows the tenant (the policies read it). */
    REGISTER_LOCALLY,
    /** An RLS-mode T2 of a schema-mode T1: the placement guard of the T1's schema lets it write. */
    SCHEMA_GUARD,
    /** An import: the archive's rows are loaded and verified. */
    LOAD_DATA,
    /** Compensation: what the steps built is removed again (then the registration). */
    ROLLBACK
}
