package dev.strata.migration;

import dev.strata.PostgresServer;
import dev.strata.Strata;

import java.time.Duration;
import java.util.Map;

/**
 * The process {@link InterruptedRunTest} kills mid-run: starts Strata on a namespace with the given
 * migrations (the start-up fan-out runs, and waits at a gate the test holds), then idles.
 * Arguments: host, port, user, password ({@code -} for none), namespace, migration location, lease in ms.
 */
public final class FanOutChild {
    private FanOutChild() {
    }

    public static void main(String[] args) throws Exception {
        PostgresServer server = new PostgresServer(args[0], Integer.parseInt(args[1]), args[2],
                "-".equals(args[3]) ? null : args[3], "postgres",
                Map.of("connectTimeout", "30", "loginTimeout", "30")); // a JVM starting on a busy machine is slow
        Strata strata = Strata.configure().server(server).namespace(args[4]).tenantMigrations(args[5])
                .operationLease(Duration.ofMillis(Long.parseLong(args[6]))).statsFlushInterval(Duration.ZERO).start();
        System.out.println("started");
        Thread.sleep(120_000);
        strata.close();
    }
}
