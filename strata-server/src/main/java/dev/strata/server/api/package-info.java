/**
 * The REST API of the control plane ({@link dev.strata.server.api.ApiServer}): routes per concern
 * (tenants, activity, limits, archives, audit, health, OpenAPI), bearer API keys kept as SHA-256 hashes
 * ({@link dev.strata.server.api.ApiKeys}), JSON views of the core records, and
 * {@code application/problem+json} errors carrying Strata's error codes.
 */
package dev.strata.server.api;
