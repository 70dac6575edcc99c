package dev.strata.archive;

import dev.strata.Tenant;

/**
 * A restored tenant.
 *
 * @param tenant   the tenant as registered now (active)
 * @param manifest the archive's manifest, whose counts and checksums the restored data matched
 */
public record ImportResult(Tenant tenant, ArchiveManifest manifest) {
}
