/**
 * Online tenant moves: the change-capture engine ({@link dev.strata.internal.move.ChangeCapture})
 * and the journaled move operation that drives it (target provisioning, write freeze, verification,
 * routing flip, cleanup). Internal: not part of Strata's API.
 */
package dev.strata.internal.move;
