/**
 * Dev and staging branches of T1s on Neon planes: the records ({@link dev.strata.internal.branch.BranchStore}),
 * the journalled creation and deletion ({@link dev.strata.internal.branch.DevBranches},
 * {@link dev.strata.internal.branch.BranchRun}) and their recovery. Internal: not part of Strata's API.
 */
package dev.strata.internal.branch;
