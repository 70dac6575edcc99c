package dev.strata.server.api;

import dev.strata.OperationInfo;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A long-running operation as the REST API shows it. {@code tenant_id} and {@code tenant} (its
 * slug) are {@code null} for an operation of no tenant; {@code tenant} is also {@code null} once the
 * tenant was removed (a rolled-back provisioning). {@code phase} is the step it is in (the last one
 * started). {@code report} is what the operation reports beyond {@code progress} while it runs (a drain's
 * {@code moved} and {@code failed} counts and its {@code tenants}); empty for most kinds.
 */
public record OperationView(UUID id, String kind, UUID tenantId, String tenant, String state, String phase,
                            Progress progress, List<StepView> steps, String error, String owner, Instant leaseExpiresAt,
                            Instant startedAt, Instant finishedAt, int attempts, java.util.Map<String, Object> report) {

    /** Steps (or targets) done out of all; {@code total} is 0 while not known. */
    public record Progress(int done, int total) {
    }

    /** One run of one step; {@code finished_at} is {@code null} if it has not finished. */
    public record StepView(String name, Instant startedAt, Instant finishedAt) {
    }

    public static OperationView of(OperationInfo info, String tenantSlug) {
        return new OperationView(info.id(), info.kind().wireName(), info.tenantId(), tenantSlug, info.state().wireName(),
                info.phase(), new Progress(info.done(), info.total()),
                info.steps().stream().map(s -> new StepView(s.name(), s.startedAt(), s.finishedAt())).toList(),
                info.error(), info.owner(), info.leaseExpiresAt(), info.startedAt(), info.finishedAt(), info.attempts(),
                info.report());
    }
}
