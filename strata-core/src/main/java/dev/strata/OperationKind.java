package dev.strata;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a long-running operation does. Every kind runs on the one operations runner: its steps are
 * journalled before and after they run, it is owned by one process under a lease, and after a
 * crash another process resumes or compensates it once that lease has expired. Later kinds (online
 * moves, calls to a managed PostgreSQL's asynchronous API) join this list.
 */
public enum OperationKind {
    /** Creating a tenant: registration, storage, activation. */
    PROVISION,
    /** Removing a tenant (and, in a cascade, its T2s): drain, drop the data, mark decommissioned. */
    DECOMMISSION,
    /** Creating a tenant from an archive: a provisioning that also loads and verifies the data. */
    IMPORT,
    /** Applying schema migrations to every tenant database and schema (belongs to no tenant). */
    MIGRATE,
    /** Moving a tenant's data to another isolation mode, database or data plane, online. */
    MOVE,
    /** Moving every tenant off a data plane (a move per tenant, bounded concurrency). */
    DRAIN,
    /** Creating or deleting a dev (or staging) branch of a T1 on a Neon plane. */
    DEV_BRANCH,
    /** Restoring a T1's production branch on a Neon plane to a moment of its history. */
    POINT_IN_TIME_RESTORE,
    /** Replacing a tenant's data with a backup's (restore from an archive on a local plane). */
    RESTORE;

    /** The name in the journal, the REST API and the command line: {@code provision}, ... */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The kind with this wire name.
     *
     * @throws StrataException {@link ErrorCode#INVALID_ARGUMENT} naming the kinds there are
     */
    public static OperationKind parse(String text) {
        for (OperationKind kind : values()) {
            if (kind.wireName().equals(text)) {
                return kind;
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Unknown operation kind '"
                + dev.strata.internal.registry.TenantRules.printable(String.valueOf(text)) + "': use one of " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(OperationKind::wireName).collect(Collectors.joining(", "));
    }
}
