package dev.strata.server.api;

import java.time.Instant;
import java.util.UUID;

/**
 * An API key as the REST API shows it: never its secret, which only the answer creating it carries
 * ({@link Created#secret}). {@code tenant} is the slug of the tenant it is bound to, {@code state}
 * {@code active}, {@code expired} or {@code revoked}.
 */
public record KeyView(UUID id, String name, UUID tenantId, String tenant, Integer tier, String state, Instant createdAt,
                      Instant expiresAt, Instant lastUsedAt, Instant revokedAt, String createdBy, String revokedBy) {

    public static KeyView of(ApiKeys.KeyInfo k, Instant now) {
        String state = k.revokedAt() != null ? "revoked" : k.live(now) ? "active" : "expired";
        return new KeyView(k.id(), k.name(), k.tenantId(), k.tenantSlug(), k.tier() == null ? null : k.tier().level(), state,
                k.createdAt(), k.expiresAt(), k.lastUsedAt(), k.revokedAt(), k.createdBy(), k.revokedBy());
    }

    /** Answer of {@code POST /v1/keys}: the key and, this once, its secret. */
    public record Created(KeyView key, String secret) {
        @Override
        public String toString() {
            return "Created[" + key + ", secret=***]";
        }
    }
}
