package dev.strata.internal.move;

import dev.strata.Placement;

/**
 * What the plane of a move's source requires before the move can capture its changes, beyond what
 * the source's server shows ({@link CapturabilityCheck}): a Neon project must have logical
 * replication enabled. Checked when a move is requested, before anything is registered or created;
 * a refusal is {@link dev.strata.ErrorCode#MOVE_REFUSED} naming how to enable what is missing.
 * Thread-safe.
 */
@FunctionalInterface
public interface CaptureSources {
    /** Planes that are servers: their capturability is all in {@link CapturabilityCheck}. */
    CaptureSources SERVERS = source -> {
    };

    /**
     * @param source the placement the move reads from ({@code null}: none yet, nothing to check)
     * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#MOVE_REFUSED} if its changes cannot be captured
     */
    void requireCapturable(Placement source);
}
