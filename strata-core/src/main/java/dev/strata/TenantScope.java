package dev.strata;

import java.sql.Connection;
import java.util.UUID;

/**
 * One tenant's transaction, handed to a {@link TenantWork} callback by
 * {@link Strata#inTenant(UUID, TenantWork)}. Valid only during the callback and only on the
 * thread that runs it.
 *
 * <p>The {@link #connection()} is already in a transaction whose tenant context (tenant id, tier
 * and, in schema mode, {@code search_path}) is in force before any statement the callback runs.
 * Strata sends the context in the same network round trip as the first statement. The callback
 * may commit or roll back mid-way (frameworks do); the context is applied again to the next
 * transaction. It may not switch the connection to autocommit, which would run statements outside
 * any tenant context.
 *
 * <p>Row level security is the second layer of defence, not the only one: application queries
 * should still filter by {@code tenant_id = scope.tenantId()}.
 */
public interface TenantScope {

    /** The tenant this transaction runs as. */
    UUID tenantId();

    /** Its tier. */
    Tier tier();

    /** Its isolation mode. */
    IsolationMode mode();

    /** The schema its tables are in (first on the {@code search_path}). */
    String schema();

    /** The connection, in a transaction, with the tenant context applied. Do not close it. */
    Connection connection();
}
