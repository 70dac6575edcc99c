package dev.strata.internal.drain;

import dev.strata.IsolationMode;
import dev.strata.Tier;

import java.util.UUID;

/**
 * One move of a drain: a tenant whose placement is on the drained plane, moved to the same mode on
 * another plane. A T1 carries the T2s that live in its schema; a T2 with a database (or schema) of
 * its own is a unit of its own, in its T1's group (a group's units move one after another).
 *
 * @param group  the T1 whose subtree the unit belongs to (the T1 itself for a T1)
 * @param region the region the target plane must have, {@code null} for any
 */
record DrainUnit(UUID tenantId, String slug, Tier tier, UUID group, IsolationMode mode, String region) {
}
