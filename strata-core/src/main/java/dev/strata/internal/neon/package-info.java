/**
 * Neon as a data plane: the client of Neon's API v2 ({@link dev.strata.internal.neon.NeonApi}: bearer key,
 * asynchronous operations polled to their end, 423 and 429 retried within bounds, one rate limit per
 * plane) and the typed calls Strata makes (projects, branches, endpoints, roles, connection URIs,
 * restores). Internal: not part of Strata's API.
 */
package dev.strata.internal.neon;
