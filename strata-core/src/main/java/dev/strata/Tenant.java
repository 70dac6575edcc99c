package dev.strata;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A snapshot of one tenant's registry row in the management database. Immutable; read it again
 * for fresh values.
 *
 * @param id          immutable identity, used for every physical name
 * @param slug        unique (among tenants not decommissioned) human-readable key
 * @param displayName free text
 * @param tier        T0, T1 or T2
 * @param parentId    the parent (T0 for a T1, a T1 for a T2), {@code null} for T0
 * @param status      life-cycle state
 * @param region      optional data-residency label
 * @param placement   where its data lives; {@code null} for T0, which holds no tenant data
 * @param createdAt   when it was registered
 * @param updatedAt   when its row last changed
 */
public record Tenant(
        UUID id,
        String slug,
        String displayName,
        Tier tier,
        UUID parentId,
        TenantStatus status,
        String region,
        Placement placement,
        Instant createdAt,
        Instant updatedAt) {

    public Tenant {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(slug, "slug");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(status, "status");
    }

    /** The isolation mode, or {@code null} for T0. */
    public IsolationMode mode() {
        return placement == null ? null : placement.mode();
    }
}
