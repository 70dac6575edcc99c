package dev.strata.server.api;

import dev.strata.DevBranch;

import java.time.Instant;
import java.util.UUID;

/**
 * A dev branch as the REST API shows it. {@code connection_uri} (the branch role's connection
 * string, with its password) is only in the answer of {@code POST /v1/tenants/{key}/branches}: it is
 * shown once and never stored.
 */
public record BranchView(UUID tenantId, String tenant, String name, String state, String neonBranchId,
                         Instant fromTimestamp, Instant createdAt, String roleName, String connectionUri) {

    public static BranchView of(DevBranch b, String tenantSlug) {
        return new BranchView(b.tenantId(), tenantSlug, b.name(), b.state(), b.neonBranchId(), b.fromTimestamp(),
                b.createdAt(), b.roleName(), b.connectionUri());
    }

    @Override
    public String toString() {
        return "BranchView[" + tenant + "/" + name + ", " + state + (connectionUri == null ? "" : ", connection ***") + "]";
    }
}
