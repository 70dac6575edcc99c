/** Internal: restoring a tenant's data, from its plane's history or from a backup. Not public API. */
package dev.strata.internal.restore;
