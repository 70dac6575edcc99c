package dev.strata.internal.operation;

/**
 * The Neon steps of a provisioning or decommissioning on a Neon plane, each journalled before and
 * after its Neon calls. Each is idempotent: Neon objects are named from the tenant's id and looked
 * up before anything is created, so a resumed operation finds what an interrupted one made.
 */
public enum NeonStep implements OperationStep {
    /** Project placement: the T1's own Neon project exists and is recorded. */
    NEON_PROJECT,
    /** Branch placement: the T1's branch exists in a shared project (spilling at the branch limit) and is recorded. */
    NEON_BRANCH,
    /** The T1's Neon project or branch is deleted and its placement marked removed. */
    NEON_DELETE
}
