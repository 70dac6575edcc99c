package dev.strata.server.api;

import dev.strata.Tier;

import java.util.Objects;
import java.util.UUID;

/**
 * An API key as the server knows it once a request presented it: its id, name and the tenant it
 * is bound to (with that tenant's tier), never the secret. A key administers its tenant's subtree
 * ({@link Caller}); changes made with it are recorded as done by {@link #actor()}.
 */
public record ApiKey(UUID id, String name, UUID tenantId, Tier tier) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(tier, "tier");
    }

    /** The actor recorded in tenant histories and the operations journal: {@code api-key:<name> (<id>)}. */
    public String actor() {
        return "api-key:" + name + " (" + id + ")";
    }
}
