package dev.strata.server.cli;

import dev.strata.NewPlane;
import dev.strata.PostgresServer;
import dev.strata.Strata;
import dev.strata.internal.plane.PlaneRegistry;

/**
 * The extra embedded servers of {@code strata serve --embedded-planes N}: registered as planes on
 * the first start, pointed at their new port on every later one (an embedded server listens on a
 * free port each time it starts).
 */
final class EmbeddedPlanes {
    private EmbeddedPlanes() {
    }

    static void register(Strata strata, String key, PostgresServer server) {
        PlaneRegistry planes = strata.serverHooks().planeRegistry();
        if (planes.find(key).isPresent()) {
            planes.reconnectEmbedded(key, server);
        } else {
            planes.add(new NewPlane(key, server, strata.config().region(), null), true);
        }
    }
}
