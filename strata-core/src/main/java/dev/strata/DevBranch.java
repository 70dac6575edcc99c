package dev.strata;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A dev (or staging) branch of a T1 on a Neon plane: a child branch of the T1's production branch
 * (its state when the branch was made, or at {@link #fromTimestamp}), with a role of its own.
 * Strata never routes the T1's traffic there; work on it through {@link #connectionUri}. Immutable;
 * {@link #toString()} never shows the password.
 *
 * @param tenantId      the T1
 * @param name          the branch's name within the T1 ({@code dev}, {@code staging}, ...)
 * @param state         {@code creating}, {@code ready} or {@code deleting}
 * @param neonBranchId  the Neon branch's id ({@code null} until Neon made it)
 * @param fromTimestamp the moment of production it was branched at, {@code null} for "when created"
 * @param createdAt     when its creation began
 * @param roleName      the branch's own role
 * @param connectionUri the branch's connection string with its role's password: only in the answer
 *                      of {@link Branches#create} (shown once, never stored by Strata); {@code null}
 *                      everywhere else
 */
public record DevBranch(UUID tenantId, String name, String state, String neonBranchId, Instant fromTimestamp,
                        Instant createdAt, String roleName, String connectionUri) {
    public DevBranch {
        Objects.requireNonNull(tenantId, "tenantId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }

    /** The same branch without its connection string. */
    public DevBranch withoutConnection() {
        return new DevBranch(tenantId, name, state, neonBranchId, fromTimestamp, createdAt, roleName, null);
    }

    @Override
    public String toString() {
        return "DevBranch[" + tenantId + "/" + name + ", " + state + ", neon " + neonBranchId
                + (fromTimestamp == null ? "" : ", from " + fromTimestamp) + ", role " + roleName
                + (connectionUri == null ? "" : ", connection ***") + "]";
    }
}
