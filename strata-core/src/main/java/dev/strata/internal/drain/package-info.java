/**
 * Internal: the DRAIN operation, which moves every tenant placement off a data plane with bounded
 * concurrency, one online move per tenant (or per T1 with the T2s living in its schema).
 * Unsupported API.
 */
package dev.strata.internal.drain;
