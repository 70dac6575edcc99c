package dev.strata;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A long-running operation as journalled when it was read: immutable.
 *
 * @param id             the operation
 * @param kind           what it does
 * @param tenantId       the tenant it concerns, {@code null} for one that concerns none (the migration fan-out)
 * @param state          where it stands
 * @param phase          the step it is in (the last one started), {@code null} before the first
 * @param done           steps (or targets) done
 * @param total          steps (or targets) in all, 0 while not known yet
 * @param steps          every run of every step, in order, with its times
 * @param error          why it failed or was rolled back, or {@code null}
 * @param owner          the process that owns (or last owned) it: {@code pid@host/random}
 * @param leaseExpiresAt until when its owner holds it; {@code null} once finished. Another
 *                       process may resume or abort a running operation only after this
 * @param startedAt      when it was opened
 * @param finishedAt     when it ended, or {@code null}
 * @param attempts       how many processes have worked on it (1 unless taken over or retried)
 * @param report         what the operation reports of its progress beyond {@code done}/{@code total},
 *                       updated while it runs (empty if nothing): a drain's {@code moved} and {@code failed}
 *                       counts and its {@code tenants} (per tenant slug: {@code state}, {@code move},
 *                       {@code target}, {@code error});
 *                       a JSON object's fields as maps, lists, strings, numbers and booleans
 */
public record OperationInfo(UUID id, OperationKind kind, UUID tenantId, OperationState state, String phase,
                            int done, int total, List<Step> steps, String error, String owner, Instant leaseExpiresAt,
                            Instant startedAt, Instant finishedAt, int attempts, Map<String, Object> report) {

    public OperationInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        steps = List.copyOf(steps);
        report = report == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(report));
    }

    /** An operation that reports nothing beyond {@code done}/{@code total}. */
    public OperationInfo(UUID id, OperationKind kind, UUID tenantId, OperationState state, String phase, int done,
                         int total, List<Step> steps, String error, String owner, Instant leaseExpiresAt,
                         Instant startedAt, Instant finishedAt, int attempts) {
        this(id, kind, tenantId, state, phase, done, total, steps, error, owner, leaseExpiresAt, startedAt, finishedAt,
                attempts, Map.of());
    }

    /**
     * One run of one step.
     *
     * @param name       the step ({@code database}, {@code drain}, {@code drop_database:a1}, ...)
     * @param startedAt  when it started
     * @param finishedAt when it finished, or {@code null} if it has not (it is running, failed or was interrupted)
     */
    public record Step(String name, Instant startedAt, Instant finishedAt) {
        public Step {
            Objects.requireNonNull(name, "name");
        }
    }
}
