package dev.strata.archive;

import dev.strata.Tenant;

/**
 * A restored tenant. Immutable and thread-safe.
 *
 * @param tenant   the tenant as registered now (active); its id is the archived one unless that
 *                 id was taken
 * @param manifest the archive's manifest, whose counts and checksums the restored data matched
 */
public record ImportResult(Tenant tenant, ArchiveManifest manifest) {
}
