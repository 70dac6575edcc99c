package dev.strata.internal.neon;

/**
 * A Neon project as Strata uses it: its default (root) branch, that branch's read-write endpoint
 * and the owner role of its database. Immutable; {@link #toString()} never shows the password.
 */
public record NeonProject(String id, String defaultBranchId, String endpointId, String databaseName, String roleName,
                          String password) {
    @Override
    public String toString() {
        return "NeonProject[" + id + ", branch " + defaultBranchId + ", endpoint " + endpointId + ", " + roleName + "@"
                + databaseName + "]";
    }
}
