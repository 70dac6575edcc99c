/**
 * Options and results of T0 analytics ({@link dev.strata.Analytics}): one read-only query across
 * every tenant database and schema.
 */
package dev.strata.analytics;
