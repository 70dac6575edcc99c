package dev.strata.internal.neon;

/**
 * A branch of a Neon project: its id and name, its parent ({@code null} for a root branch), whether
 * it is the project's default branch, and its read-write endpoint ({@code null} if it has none).
 * Immutable.
 */
public record NeonBranch(String projectId, String id, String name, String parentId, boolean isDefault, String endpointId) {

    /** Whether Neon can restore this branch from its own history (root branches only). */
    public boolean isRoot() {
        return parentId == null;
    }
}
