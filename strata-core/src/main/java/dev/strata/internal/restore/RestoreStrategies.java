package dev.strata.internal.restore;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The point-in-time restores the engine knows (one per kind of plane that keeps a history, e.g.
 * Neon's), registered by those planes at start-up: {@code engine.restores().register(...)}. A
 * tenant no registered restore {@link PointInTimeRestore#supports supports} is restored from its
 * backups instead. Thread-safe.
 */
public final class RestoreStrategies {
    private final List<PointInTimeRestore> registered = new CopyOnWriteArrayList<>();

    /** Adds a point-in-time restore; the first registered that supports a tenant is used for it. */
    public void register(PointInTimeRestore restore) {
        registered.add(Objects.requireNonNull(restore, "restore"));
    }

    /** Removes one (a plane kind going away, tests). */
    public void unregister(PointInTimeRestore restore) {
        registered.remove(restore);
    }

    /** The point-in-time restore that reaches this tenant's data, if its plane keeps a history. */
    public Optional<PointInTimeRestore> pointInTimeFor(UUID tenantId) {
        for (PointInTimeRestore restore : registered) {
            if (restore.supports(tenantId)) {
                return Optional.of(restore);
            }
        }
        return Optional.empty();
    }
}
