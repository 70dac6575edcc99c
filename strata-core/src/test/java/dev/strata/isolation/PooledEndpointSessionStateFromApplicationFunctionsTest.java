package dev.strata.isolation;

import dev.strata.testing.PgBouncer;

import java.sql.SQLException;

/**
 * {@link SessionStateFromApplicationFunctionsTest}, unchanged, behind PgBouncer in transaction mode
 * with a server pool of ONE connection per database and role: settings an application's function
 * or trigger leaves in the server session never reach the next client's tenant either.
 */
class PooledEndpointSessionStateFromApplicationFunctionsTest extends SessionStateFromApplicationFunctionsTest {
    @Override
    OneConnectionTopology newTopology() throws SQLException {
        return new OneConnectionTopology(b -> b.pooledServer(PgBouncer.endpoint()));
    }

    @Override
    boolean pooledEndpoint() {
        return true;
    }
}
