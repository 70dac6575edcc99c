package dev.strata.internal.branch;

import dev.strata.internal.operation.OperationStep;

/** The steps of a {@link dev.strata.OperationKind#DEV_BRANCH} operation (creation's, then deletion's; each ends with the record and the operation's end written in one transaction). */
public enum BranchStep implements OperationStep {
    /** Neon makes the child branch (or it is found by its deterministic name after a crash). */
    CREATE_BRANCH,
    /** The Neon branch's id and endpoint are recorded. */
    RECORD_BRANCH,
    /** The branch's own role is created on it (or found after a crash). */
    CREATE_ROLE,
    /** The role is given the use of the T1's schemas, tables and sequences on the branch. */
    GRANT_ACCESS,
    /** Neon deletes the branch, its endpoint and its role (nothing if already gone). */
    DELETE_BRANCH
}
