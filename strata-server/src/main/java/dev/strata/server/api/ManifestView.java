package dev.strata.server.api;

import dev.strata.archive.ArchiveManifest;
import dev.strata.archive.TableSummary;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An export archive's manifest as the REST API shows it. */
public record ManifestView(int formatVersion, UUID tenantId, String slug, String name, Integer tier, UUID parentId,
                           String parentSlug, String mode, String schemaVersion, Instant exportedAt, long totalRows,
                           List<TableSummary> tables) {

    public static ManifestView of(ArchiveManifest m) {
        return new ManifestView(m.formatVersion(), m.tenantId(), m.slug(), m.displayName(),
                m.tier() == null ? null : m.tier().level(), m.parentId(), m.parentSlug(),
                m.mode() == null ? null : m.mode().wireName(), m.schemaVersion(), m.exportedAt(), m.totalRows(), m.tables());
    }
}
