package dev.strata;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where a long-running operation stands: {@code running} (owned by a process, or waiting for one
 * after its owner died), then {@code succeeded}, {@code rolled_back} (it failed and what it did
 * was undone), {@code aborted} (an operator compensated it) or {@code failed} (it stopped with an
 * error and can be resumed or aborted).
 */
public enum OperationState {
    RUNNING, SUCCEEDED, FAILED, ROLLED_BACK, ABORTED;

    /** The name in the journal, the REST API and the command line: {@code running}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the operation is over for good: neither resumable nor abortable. */
    public boolean finished() {
        return this == SUCCEEDED || this == ROLLED_BACK || this == ABORTED;
    }

    /**
     * The state with this wire name.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} naming the states there are
     */
    public static OperationState parse(String text) {
        for (OperationState state : values()) {
            if (state.wireName().equals(text)) {
                return state;
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Unknown operation state '"
                + dev.strata.internal.registry.TenantRules.printable(String.valueOf(text)) + "': use one of "
                + Arrays.stream(values()).map(OperationState::wireName).collect(Collectors.joining(", ")));
    }
}
