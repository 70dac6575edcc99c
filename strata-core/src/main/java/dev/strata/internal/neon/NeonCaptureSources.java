package dev.strata.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.Placement;
import dev.strata.StrataException;
import dev.strata.internal.move.CaptureSources;

/**
 * A move's source on a Neon plane can be captured only if its project has logical replication
 * enabled ({@code settings.enable_logical_replication}: Neon then runs its computes with
 * {@code wal_level=logical}; until then a logical slot is refused). Read from Neon's API when the
 * move is requested; Strata does not enable it itself (Neon suspends the project's computes to
 * apply it, and it cannot be disabled again). Sources on other planes pass. Thread-safe.
 */
public final class NeonCaptureSources implements CaptureSources {
    private final NeonPlacementsImpl neon;

    public NeonCaptureSources(NeonPlacementsImpl neon) {
        this.neon = neon;
    }

    @Override
    public void requireCapturable(Placement source) {
        if (source == null || !neon.isNeon(source.dataPlane())) {
            return;
        }
        NeonPlacementRecord record = neon.store().ofDatabase(source.dataPlane(), source.database())
                .orElseThrow(() -> new StrataException(ErrorCode.MOVE_REFUSED, "Database " + source.database()
                        + " of Neon plane '" + source.dataPlane() + "' has no Neon placement: its changes cannot be captured"));
        String projectId = record.placement().projectId();
        JsonNode project = neon.api(source.dataPlane()).getProject(projectId).orElseThrow(() -> new StrataException(
                ErrorCode.MOVE_REFUSED, "Neon project " + projectId + " of database " + source.database()
                + " on plane '" + source.dataPlane() + "' does not exist (any more): nothing can be moved from it"));
        if (!project.path("settings").path("enable_logical_replication").asBoolean(false)) {
            throw new StrataException(ErrorCode.MOVE_REFUSED, "Neon project " + projectId + " ('"
                    + project.path("name").asText() + "', plane '" + source.dataPlane() + "') does not have logical "
                    + "replication enabled, and an online move reads the tenant's changes from a logical replication "
                    + "slot there. Enable it (Neon console: Project settings, Logical replication; or the API: PATCH "
                    + "/projects/" + projectId + " with {\"project\":{\"settings\":{\"enable_logical_replication\":true}}}"
                    + " — Neon restarts the project's computes, and it cannot be disabled again), then move again");
        }
    }
}
