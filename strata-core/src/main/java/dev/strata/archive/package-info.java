/**
 * Per-tenant export and restore: one portable archive per tenant, in any isolation mode, restorable
 * into any mode after its counts and checksums are verified.
 */
package dev.strata.archive;
