package dev.strata.crash;

import dev.strata.IsolationMode;
import dev.strata.LocalPostgres;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The process {@link CrashRecoveryTest} kills: embedded PostgreSQL with the durable defaults on a
 * data directory, Strata on it, one thread provisioning T2s (in all three modes) and one writing
 * documents as them. A line goes to stdout only after the write it reports was committed:
 * {@code tenant <id>} once {@code create} returned, {@code doc <tenant id> <document id>} once the
 * tenant transaction committed. Stops by itself after {@code args[1]} seconds at the latest.
 */
public final class AcknowledgedWriter {
    /** Short operation leases, so that recovery can take over what a killed writer was doing within seconds. */
    static final Duration LEASE = Duration.ofSeconds(1);
    private static final PrintStream OUT = System.out;

    private AcknowledgedWriter() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[1]));
        LocalPostgres pg = LocalPostgres.start(dataDir);
        Strata strata = Strata.configure().server(pg.server()).operationLease(LEASE)
                .tenantMigrations(dev.strata.testing.TestStrata.MIGRATIONS).start();
        Tenant t1 = strata.tenants().create(NewTenant.t1("crash-t1"));
        acknowledge("tenant " + t1.id());
        List<UUID> writable = new CopyOnWriteArrayList<>(List.of(t1.id()));

        Thread provisioner = new Thread(() -> {
            IsolationMode[] modes = IsolationMode.values();
            for (int i = 0; System.nanoTime() < deadline && i < 10_000; i++) {
                Tenant t2 = strata.tenants().create(NewTenant.t2("crash-t2-" + i, "crash-t1").withMode(modes[i % modes.length]));
                acknowledge("tenant " + t2.id());
                writable.add(t2.id());
            }
        }, "provisioner");
        provisioner.setDaemon(true);
        provisioner.start();

        for (int i = 0; System.nanoTime() < deadline && i < 1_000_000; i++) {
            UUID tenant = writable.get(ThreadLocalRandom.current().nextInt(writable.size()));
            String title = "doc-" + i;
            UUID id = strata.inTenant(tenant, scope -> {
                try (PreparedStatement ps = scope.connection().prepareStatement(
                        "INSERT INTO documents (tenant_id, title) VALUES (?, ?) RETURNING id")) {
                    ps.setObject(1, scope.tenantId());
                    ps.setString(2, title);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getObject(1, UUID.class);
                    }
                }
            });
            acknowledge("doc " + tenant + " " + id);
        }
        acknowledge("done");
        strata.close();
        pg.close();
    }

    private static synchronized void acknowledge(String line) {
        OUT.println(line);
        OUT.flush();
    }
}
