package dev.strata.server.api;

/**
 * Who may call an endpoint: every {@link ApiEndpoint} declares one, and {@link ApiServer} refuses to
 * start with an endpoint that does not. A key is bound to one tenant and reaches that tenant's
 * subtree: a T0 key everything, a T1 key itself and its T2s, a T2 key itself. A tenant outside the
 * caller's subtree is answered exactly as one that does not exist (404 {@code TENANT_NOT_FOUND}),
 * so keys cannot probe for other tenants; a tenant inside it that the key may see but not change is
 * 403 {@code FORBIDDEN}.
 */
public enum Access {
    /** No key needed: probes and the API description, which carry no tenant data. */
    PUBLIC,
    /** T0 keys only (planes, migrations, the audit); any other key gets 403 {@code FORBIDDEN}. */
    OPERATOR,
    /**
     * The tenant named by the path parameter {@code {key}} must be the caller's or below it
     * (a T0 key: any tenant); reading only.
     */
    TENANT_READ,
    /**
     * The tenant named by {@code {key}} must be in the caller's subtree (else 404), and the caller
     * must administer it (else 403): a T0 key any tenant, a T1 key its own T2s (not itself: a T1's
     * life cycle is the operator's), a T2 key none.
     */
    TENANT_ADMIN,
    /**
     * The tenant named by {@code {key}} must be in the caller's subtree (else 404), and the caller
     * must be a T0 key or that T1's own key (else 403): a T1 working on what is its own, such as its
     * dev branches; a T2 key never.
     */
    TENANT_OWNER,
    /**
     * The tenant named by {@code {key}} must be in the caller's subtree (else 404), and the caller
     * must be a T0 or T1 key (else 403): a T0 key any tenant, a T1 key itself and its T2s, a T2 key
     * none. For work on a tenant's data that its T1 may do for itself too (backups, restores).
     */
    TENANT_DATA,
    /**
     * Any live key; the handler itself limits what it reads and writes to the caller's subtree
     * through {@link Caller} (lists filtered, creations under the caller, operations and keys of the
     * subtree only).
     */
    SUBTREE
}
