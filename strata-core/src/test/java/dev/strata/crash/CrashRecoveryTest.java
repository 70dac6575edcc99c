package dev.strata.crash;

import dev.strata.LocalPostgres;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.audit.AuditReport;
import dev.strata.internal.localpg.PostmasterPidFile;
import dev.strata.testing.Kill;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of the embedded PostgreSQL and of the Strata process at the same moment, while
 * acknowledged writes flow (documents written as tenants, T2s being provisioned in every mode):
 * after a restart on the same data directory, every write that was acknowledged is there, and once
 * Strata's recovery ran the registry is consistent (no tenant left provisioning, every active
 * tenant routable, the audit clean). The writer runs with the durable defaults, as
 * {@code strata serve} does.
 */
class CrashRecoveryTest {
    private static final String UUID_RE = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern TENANT = Pattern.compile("^tenant (" + UUID_RE + ")$");
    private static final Pattern DOC = Pattern.compile("^doc (" + UUID_RE + ") (" + UUID_RE + ")$");
    private static final int DOCS_BEFORE_KILL = 300;
    private static final int TENANTS_BEFORE_KILL = 4;

    @TempDir
    Path dataDir;

    private Process writer;

    @AfterEach
    void killLeftovers() throws Exception {
        if (writer != null && writer.isAlive()) {
            writer.destroyForcibly();
        }
        PostmasterPidFile.of(dataDir.resolve("pg")).flatMap(f -> ProcessHandle.of(f.pid()))
                .filter(p -> p.info().command().map(c -> c.endsWith("/postgres")).orElse(false))
                .ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void every_acknowledged_write_survives_kill_9_of_postgres_and_strata_and_the_registry_recovers() throws Exception {
        writer = new ProcessBuilder(javaBinary(), "-cp", testClassPath(), AcknowledgedWriter.class.getName(),
                dataDir.toString(), "90")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<UUID> tenants = new LinkedHashSet<>();
        Map<UUID, Set<UUID>> docs = new HashMap<>();
        AtomicInteger docCount = new AtomicInteger();
        Thread reader = new Thread(() -> read(writer, tenants, docs, docCount), "writer-stdout");
        reader.start();

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (writer.isAlive() && System.nanoTime() < deadline
                && (docCount.get() < DOCS_BEFORE_KILL || sizeOf(tenants) < TENANTS_BEFORE_KILL)) {
            Thread.sleep(20);
        }
        assertThat(writer.isAlive()).as("the writer is still writing when killed").isTrue();
        long postmaster = PostmasterPidFile.of(dataDir.resolve("pg")).orElseThrow().pid();
        Kill.hard(List.of(ProcessHandle.of(postmaster).orElseThrow(), writer.toHandle()));
        reader.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(reader.isAlive()).isFalse();
        assertThat(docCount.get()).isGreaterThanOrEqualTo(DOCS_BEFORE_KILL);

        try (LocalPostgres pg = LocalPostgres.start(dataDir);
             Strata strata = Strata.configure().server(pg.server()).operationLease(AcknowledgedWriter.LEASE)
                     .tenantMigrations(dev.strata.testing.TestStrata.MIGRATIONS).start()) {
            assertThat(pg.attached()).isFalse();
            awaitRecovery(strata);
            for (UUID id : tenants) {
                assertThat(strata.tenants().get(id).status()).as("acknowledged tenant %s", id).isEqualTo(TenantStatus.ACTIVE);
            }
            List<Tenant> all = strata.tenants().list();
            assertThat(all).extracting(Tenant::status).doesNotContain(TenantStatus.PROVISIONING);
            for (Tenant tenant : all) {
                if (tenant.status() == TenantStatus.ACTIVE && tenant.tier() != Tier.T0) {
                    Set<UUID> stored = new HashSet<>(documentIds(strata, tenant.id()));
                    assertThat(stored).as("acknowledged documents of %s", tenant.slug())
                            .containsAll(docs.getOrDefault(tenant.id(), Set.of()));
                }
            }
            assertThat(docs.keySet()).allMatch(tenants::contains);
            AuditReport audit = strata.audit();
            assertThat(audit.passed()).as("audit after recovery: %s", audit.findings()).isTrue();
        }
    }

    /**
     * An operation the killed writer was running stays its own until its lease expires; then the
     * restarted process's recovery (at start and every lease period, on a thread of its own) takes
     * it over. Waits, bounded, until nothing is being provisioned any more.
     */
    private static void awaitRecovery(Strata strata) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline
                && strata.tenants().list().stream().anyMatch(t -> t.status() == TenantStatus.PROVISIONING)) {
            Thread.sleep(100);
        }
    }

    private static void read(Process writer, Set<UUID> tenants, Map<UUID, Set<UUID>> docs, AtomicInteger docCount) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Matcher tenant = TENANT.matcher(line);
                Matcher doc = DOC.matcher(line);
                if (tenant.matches()) {
                    synchronized (tenants) {
                        tenants.add(UUID.fromString(tenant.group(1)));
                    }
                } else if (doc.matches()) {
                    synchronized (docs) {
                        docs.computeIfAbsent(UUID.fromString(doc.group(1)), k -> new HashSet<>()).add(UUID.fromString(doc.group(2)));
                    }
                    docCount.incrementAndGet();
                }
            }
        } catch (java.io.IOException e) {
            // the writer died: what was read is what was acknowledged
        }
    }

    private static int sizeOf(Set<UUID> tenants) {
        synchronized (tenants) {
            return tenants.size();
        }
    }

    private static List<UUID> documentIds(Strata strata, UUID tenant) throws java.sql.SQLException {
        return strata.inTenant(tenant, scope -> {
            List<UUID> ids = new ArrayList<>();
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT id FROM documents WHERE tenant_id = ?")) {
                ps.setObject(1, scope.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            return ids;
        });
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }
}
