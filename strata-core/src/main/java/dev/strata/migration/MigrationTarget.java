package dev.strata.migration;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One app schema and where it stands against the application's migrations.
 *
 * @param target  a stable name of the schema: {@code <data plane>/<database>/<schema>}; accepted by
 *                {@link ApplyRequest.Builder#target(String)}
 * @param kind    what the schema is
 * @param tenant  the tenant the schema belongs to ({@code null} for the template and shared databases)
 * @param version the newest migration version applied there ({@code null} if none)
 * @param pending the versions not yet applied there, oldest first
 * @param error   why the last attempt to migrate it failed, {@code null} if it did not
 */
public record MigrationTarget(String target, MigrationTargetKind kind, UUID tenant, String version,
                              List<String> pending, String error) {
    public MigrationTarget {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(kind, "kind");
        pending = List.copyOf(pending);
    }

    /** Whether every migration has been applied. */
    public boolean upToDate() {
        return pending.isEmpty();
    }
}
