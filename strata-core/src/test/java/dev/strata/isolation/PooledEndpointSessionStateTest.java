package dev.strata.isolation;

import dev.strata.testing.PgBouncer;

import java.sql.SQLException;

/**
 * Every attack of {@link SessionStateDoesNotCrossTenantsTest}, unchanged, with the tenant
 * connections going through PgBouncer in transaction mode with a server pool of ONE connection per
 * database and role: the next client of a database surely gets the server session the previous
 * tenant's transaction used, and PgBouncer itself resets nothing in between. Nothing one tenant's
 * work leaves at session level (SET, SET ROLE, search_path, LISTEN, advisory locks, prepared
 * statements, held cursors, ...) reaches the next tenant's transaction; what Strata cannot clean
 * inside the transaction is refused.
 */
class PooledEndpointSessionStateTest extends SessionStateDoesNotCrossTenantsTest {
    @Override
    OneConnectionTopology newTopology() throws SQLException {
        return new OneConnectionTopology(b -> b.pooledServer(PgBouncer.endpoint()));
    }
}
