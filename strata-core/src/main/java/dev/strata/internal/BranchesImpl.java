package dev.strata.internal;

import dev.strata.Branches;
import dev.strata.DevBranch;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import dev.strata.internal.branch.DevBranches;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@link Branches} over the engine's {@link DevBranches}, recording an actor. */
public final class BranchesImpl implements Branches {
    private final DevBranches branches;
    private final String actor;

    public BranchesImpl(DevBranches branches, String actor) {
        this.branches = Objects.requireNonNull(branches, "branches");
        this.actor = Objects.requireNonNull(actor, "actor");
    }

    @Override
    public DevBranch create(String tenantKey, String name, Instant fromTimestamp) {
        return branches.create(tenantKey, name, fromTimestamp, actor);
    }

    @Override
    public List<DevBranch> list(String tenantKey) {
        return branches.list(tenantKey);
    }

    @Override
    public void delete(String tenantKey, String name) {
        branches.delete(tenantKey, name, actor);
    }

    @Override
    public Branches actingAs(String newActor) {
        if (newActor == null || newActor.isBlank() || newActor.length() > 200) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "An actor name of 1-200 characters is required");
        }
        return new BranchesImpl(branches, newActor);
    }
}
