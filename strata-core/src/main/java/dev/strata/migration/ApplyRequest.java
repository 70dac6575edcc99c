package dev.strata.migration;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What {@link SchemaMigrations#apply} migrates and how. Immutable.
 *
 * @param concurrency most targets migrated at the same time (across databases, within the connection budget)
 * @param targets     the targets to migrate (names as in {@link MigrationTarget#target()}); empty means all
 * @param progress    receives progress as targets finish
 */
public record ApplyRequest(int concurrency, Set<String> targets, MigrationProgress progress) {
    public ApplyRequest {
        Objects.requireNonNull(progress, "progress");
        targets = Set.copyOf(targets);
    }

    /** Every target, default concurrency, no progress reports. */
    public static ApplyRequest all() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the options; {@link #build()} validates them. Not thread-safe. */
    public static final class Builder {
        private int concurrency = 4;
        private final Set<String> targets = new LinkedHashSet<>();
        private MigrationProgress progress = MigrationProgress.NONE;

        private Builder() {
        }

        /** At least 1 (default 4). */
        public Builder concurrency(int value) {
            this.concurrency = value;
            return this;
        }

        /** Limits the run to this target (repeatable). */
        public Builder target(String name) {
            targets.add(Objects.requireNonNull(name, "name"));
            return this;
        }

        public Builder progress(MigrationProgress value) {
            this.progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        /**
         * @throws dev.strata.StrataException {@link dev.strata.ErrorCode#INVALID_ARGUMENT} if concurrency is below 1
         */
        public ApplyRequest build() {
            if (concurrency < 1) {
                throw new dev.strata.StrataException(dev.strata.ErrorCode.INVALID_ARGUMENT,
                        "Migration concurrency must be at least 1, was " + concurrency);
            }
            return new ApplyRequest(concurrency, targets, progress);
        }
    }
}
