package dev.strata.server.testing;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.migration.MigrationTarget;
import dev.strata.testing.TestStrata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A control plane whose tenants are one migration behind: tenants of every mode are created with
 * the application schema at version 2 (the tests' {@code documents}, then {@code items}), then
 * Strata is restarted on the same namespace with version 3 added (a column {@code tags} and an
 * index on {@code items}) and the REST API started on it. Start-up may fan version 3 out by
 * itself: {@link #putEveryTargetOneMigrationBack()} undoes it everywhere, so that a test can
 * migrate again. {@link #close()} stops it and drops the namespace.
 *
 * <p>Tenants: T1 {@code m-db} (database mode) with T2s {@code m-db-kid} (rls) and {@code m-db-vault}
 * (schema); T1 {@code m-schema} (schema mode, in the shared schema database); T1 {@code m-rls}
 * (rls mode, in the shared RLS database) with T2 {@code m-rls-kid}.
 */
public final class MigratingApi implements AutoCloseable {
    public static final String ITEMS = """
            CREATE TABLE items (
                tenant_id uuid NOT NULL,
                id        uuid NOT NULL DEFAULT gen_random_uuid(),
                title     text NOT NULL,
                PRIMARY KEY (tenant_id, id)
            );
            """;
    public static final String TAGS = """
            ALTER TABLE items ADD COLUMN tags text;
            CREATE INDEX items_tags_idx ON items (tenant_id, tags);
            """;

    private final RunningApi api;
    private final Path migrations;
    private final Map<String, Tenant> tenants;

    private MigratingApi(RunningApi api, Path migrations, Map<String, Tenant> tenants) {
        this.api = api;
        this.migrations = migrations;
        this.tenants = tenants;
    }

    public static MigratingApi start() {
        String namespace = TestStrata.newNamespace();
        Path dir;
        try {
            dir = Files.createTempDirectory("strata-migrations");
            Files.writeString(dir.resolve("V2__items.sql"), ITEMS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String location = "filesystem:" + dir;
        Map<String, Tenant> created;
        Strata first = TestStrata.start(b -> b.namespace(namespace).tenantMigrations(location));
        try {
            var t = first.tenants();
            List<Tenant> list = List.of(
                    t.create(NewTenant.t1("m-db").withMode(IsolationMode.DATABASE)),
                    t.create(NewTenant.t2("m-db-kid", "m-db")),
                    t.create(NewTenant.t2("m-db-vault", "m-db").withMode(IsolationMode.SCHEMA)),
                    t.create(NewTenant.t1("m-schema").withMode(IsolationMode.SCHEMA)),
                    t.create(NewTenant.t1("m-rls").withMode(IsolationMode.RLS)),
                    t.create(NewTenant.t2("m-rls-kid", "m-rls")));
            created = list.stream().collect(Collectors.toMap(Tenant::slug, Function.identity()));
            first.close();
        } catch (RuntimeException e) {
            TestStrata.stopAndDrop(first);
            throw e;
        }
        try {
            Files.writeString(dir.resolve("V3__items_tags.sql"), TAGS, StandardCharsets.UTF_8);
        } catch (IOException e) {
            TestStrata.dropNamespace(namespace);
            throw new UncheckedIOException(e);
        }
        RunningApi api;
        try {
            api = RunningApi.start(b -> b.namespace(namespace).tenantMigrations(location));
        } catch (RuntimeException e) {
            TestStrata.dropNamespace(namespace);
            throw e;
        }
        try {
            awaitStartupFanOut(api.strata());
        } catch (RuntimeException e) {
            api.close();
            throw e;
        }
        return new MigratingApi(api, dir, created);
    }

    /**
     * Start-up fans version 3 out in the background: waits (bounded) until no run is live, by
     * applying everything until that is no longer refused with {@code OPERATION_CONFLICT}.
     */
    private static void awaitStartupFanOut(Strata strata) {
        for (int attempt = 0; ; attempt++) {
            try {
                strata.migrations().apply(dev.strata.migration.ApplyRequest.builder().concurrency(1).build());
                return;
            } catch (dev.strata.StrataException e) {
                if (e.code() != dev.strata.ErrorCode.OPERATION_CONFLICT || attempt > 1200) {
                    throw e;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public RunningApi api() {
        return api;
    }

    public Strata strata() {
        return api.strata();
    }

    /** The directory of the migrations ({@code filesystem:} location). */
    public Path migrations() {
        return migrations;
    }

    public Tenant tenant(String slug) {
        return Optional.ofNullable(tenants.get(slug)).orElseThrow(() -> new IllegalArgumentException(slug));
    }

    /** The target of a tenant's own database or schema. */
    public MigrationTarget targetOf(String slug) {
        Tenant t = tenant(slug);
        return strata().migrations().status().stream()
                .filter(m -> t.id().equals(m.tenant()))
                .findFirst().orElseThrow(() -> new AssertionError("No target of " + slug + ": " + strata().migrations().status()));
    }

    /** The {@code app} schema of the shared RLS database, where {@code m-rls} and its T2 live. */
    public MigrationTarget sharedRlsTarget() {
        return strata().migrations().status().stream()
                .filter(m -> m.target().endsWith("_shared_rls/app"))
                .findFirst().orElseThrow(() -> new AssertionError("No shared RLS target: " + strata().migrations().status()));
    }

    /** The target's database and schema, from its name {@code <data plane>/<database>/<schema>}. */
    public static String[] databaseAndSchema(String target) {
        String[] parts = target.split("/");
        return new String[] {parts[parts.length - 2], parts[parts.length - 1]};
    }

    /** Runs statements as the administrator in the target's database, with search_path = its schema. */
    public static void inTarget(String target, String... statements) {
        String[] ds = databaseAndSchema(target);
        try (Connection c = TestStrata.admin(ds[0]); Statement s = c.createStatement()) {
            s.execute("SET search_path = \"" + ds[1] + "\"");
            for (String sql : statements) {
                s.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("On " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * Undoes version 3 on every target but the template (which accepts no connections and is
     * where new tenants come from): drops the index and the column, removes its history row.
     */
    public void putEveryTargetOneMigrationBack() {
        for (MigrationTarget t : strata().migrations().status()) {
            if ("3".equals(t.version()) && t.kind() != dev.strata.migration.MigrationTargetKind.TEMPLATE) {
                inTarget(t.target(), "DROP INDEX items_tags_idx", "ALTER TABLE items DROP COLUMN tags",
                        "DELETE FROM strata_schema_history WHERE version = '3'");
            }
        }
    }

    /** Whether the target's {@code items} has the column version 3 adds. */
    public static boolean hasTags(String target) {
        String[] ds = databaseAndSchema(target);
        try (Connection c = TestStrata.admin(ds[0]); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_schema = '"
                     + ds[1].replace("'", "''") + "' AND table_name = 'items' AND column_name = 'tags'")) {
            rs.next();
            return rs.getInt(1) == 1;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            api.close();
        } finally {
            try (var files = Files.walk(migrations)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory
            }
        }
    }
}
