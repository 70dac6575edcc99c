/**
 * Strata's implementation. Nothing under {@code dev.strata.internal} is a supported API: it may
 * change in any release. Use the types in {@code dev.strata}.
 */
package dev.strata.internal;
