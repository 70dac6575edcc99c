package dev.strata.server.demo;

import dev.strata.PostgresServer;
import dev.strata.Strata;

import java.sql.SQLException;

/**
 * The demo: builds the specification's example topology (idempotently), writes a few documents
 * as each tenant, and checks that every tenant sees exactly what it should. Runs in-process on a
 * {@link Strata} configured with one connection per database pool (the pool check needs it).
 */
public final class Demo {
    /** The demo's own tenant migrations (its {@code documents} table), used unless others are given. */
    public static final String MIGRATIONS = "classpath:db/demo";
    /** Documents each tenant writes per run. */
    static final int DOCUMENTS_PER_RUN = 2;
    /** Actor recorded for the tenants the demo creates or resumes. */
    static final String ACTOR = "strata-demo";

    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param strata a running Strata with {@code poolSizePerDatabase(1)}
     * @param server the server Strata runs on, as its administrator (for the ground truth and
     *               the connection attacks)
     */
    public static DemoReport run(Strata strata, PostgresServer server) throws SQLException {
        DemoTopology topology = DemoTopology.ensure(strata.tenants().actingAs(ACTOR));
        DemoDocuments.write(strata, topology, DOCUMENTS_PER_RUN);
        DemoConnections connections = new DemoConnections(server, strata.serverHooks().management());
        return new DemoReport(topology.all(), new IsolationChecks(strata, topology, connections).run());
    }
}
