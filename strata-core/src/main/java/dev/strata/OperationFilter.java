package dev.strata;

/**
 * Which operations {@link Operations#list} returns: every criterion given must hold. Immutable;
 * build with {@link #all()} and the {@code with...} methods.
 *
 * @param state  only operations in this state, or {@code null} for any
 * @param kind   only operations of this kind, or {@code null} for any
 * @param tenant only operations of this tenant (its id or slug), or {@code null} for any
 * @param limit  at most this many, newest first: 1 to {@value #MAX_LIMIT}
 * @param after  only operations listed after this one in that order (newest first, then by id), or
 *               {@code null} to start with the newest: how a listing is read page by page
 */
public record OperationFilter(OperationState state, OperationKind kind, String tenant, int limit, Position after) {
    /** An operation's place in the listing order: its start, then its id. */
    public record Position(java.time.Instant startedAt, java.util.UUID id) {
        public Position {
            java.util.Objects.requireNonNull(startedAt, "startedAt");
            java.util.Objects.requireNonNull(id, "id");
        }

        /** The place of a listed operation. */
        public static Position of(OperationInfo operation) {
            return new Position(operation.startedAt(), operation.id());
        }
    }

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /**
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} for a limit outside 1 to {@value #MAX_LIMIT}
     */
    public OperationFilter {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "The limit of an operations listing must be 1 to " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** A filter from the first page on. */
    public OperationFilter(OperationState state, OperationKind kind, String tenant, int limit) {
        this(state, kind, tenant, limit, null);
    }

    /** Every operation, newest first, at most {@value #DEFAULT_LIMIT}. */
    public static OperationFilter all() {
        return new OperationFilter(null, null, null, DEFAULT_LIMIT, null);
    }

    /** This filter, listing only operations after {@code value} ({@code null}: from the newest). */
    public OperationFilter withAfter(Position value) {
        return new OperationFilter(state, kind, tenant, limit, value);
    }

    public OperationFilter withState(OperationState value) {
        return new OperationFilter(value, kind, tenant, limit, after);
    }

    public OperationFilter withKind(OperationKind value) {
        return new OperationFilter(state, value, tenant, limit, after);
    }

    public OperationFilter withTenant(String value) {
        return new OperationFilter(state, kind, value, limit, after);
    }

    public OperationFilter withLimit(int value) {
        return new OperationFilter(state, kind, tenant, value, after);
    }
}
