package dev.strata.archive;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.testing.AppSchemas;
import dev.strata.testing.Shop;
import dev.strata.testing.StrataFixture;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Export and import on an application schema of its own (the shop): composite foreign keys
 * (restored parents first), an identity column (values kept, the sequence moved past them), a
 * partitioned table (archived once, through the partitioned table, and restored into the right
 * partitions), jsonb; views and the reference data are not tenant data and stay out of the archive.
 * Every pair of modes, and a tenant carried through all three modes and back, checksums verified.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShopArchiveRoundTripTest {
    @RegisterExtension
    static final StrataFixture FIXTURE = StrataFixture.with(AppSchemas.SHOP);

    private static final List<String> TABLES = List.of("customers", "orders", "order_lines", "events");

    private Strata strata;
    private final Map<IsolationMode, Tenant> parents = new EnumMap<>(IsolationMode.class);

    @BeforeAll
    void parents() throws SQLException {
        strata = FIXTURE.strata();
        for (IsolationMode mode : IsolationMode.values()) {
            Tenant parent = strata.tenants().create(NewTenant.t1("shop-" + mode.wireName()).withMode(mode));
            parents.put(mode, parent);
            Shop.seed(strata, parent.id(), parent.slug());
        }
    }

    Stream<Arguments> modePairs() {
        return Stream.of(IsolationMode.values()).flatMap(from -> Stream.of(IsolationMode.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "T2 {0} -> T2 {1}")
    @MethodSource("modePairs")
    void a_t2_of_the_shop_round_trips_between_modes_with_every_row_key_and_value(IsolationMode from, IsolationMode to)
            throws SQLException {
        String suffix = from.wireName() + "-" + to.wireName();
        Tenant source = strata.tenants().create(NewTenant.t2("src-" + suffix, parents.get(from).slug()).withMode(from));
        writeRows(source, 3);
        Tenant sibling = strata.tenants().create(NewTenant.t2("sib-" + suffix, parents.get(from).slug()).withMode(from));
        Shop.seed(strata, sibling.id(), sibling.slug());

        byte[] archive = ArchiveBytes.export(strata, source.slug());
        ImportResult result = ArchiveBytes.importBytes(strata, archive,
                ImportOptions.inMode(to).withParent(parents.get(to).slug()).withSlug("copy-" + suffix));
        Tenant restored = result.tenant();

        assertThat(restored.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(restored.mode()).isEqualTo(to);
        List<String> archived = result.manifest().tables().stream().map(TableSummary::name).toList();
        assertThat(archived).as("the tenant tables; no partition, view or reference data")
                .containsExactlyInAnyOrderElementsOf(TABLES);
        assertThat(archived.indexOf("customers")).as("parents first: customers before orders").isLessThan(archived.indexOf("orders"));
        assertThat(archived.indexOf("orders")).as("orders before their lines").isLessThan(archived.indexOf("order_lines"));
        assertThat(archived.indexOf("orders")).as("orders before their events").isLessThan(archived.indexOf("events"));
        assertThat(rowsByTable(result.manifest())).as("the source's rows only, not its sibling's")
                .isEqualTo(storedRowCounts(source));
        assertThat(rows(restored)).as("every row, key and jsonb value, as the source holds them").isEqualTo(rows(source));
        assertThat(eventsByPartition(restored)).as("events restored into their partitions")
                .isEqualTo(eventsByPartition(source));
        assertThat(checksums(exportManifest(restored))).as("re-export checksums").isEqualTo(checksums(result.manifest()));
        assertThat(newLineIdAfterRestore(restored)).as("the identity sequence hands out a value past the restored ones")
                .isGreaterThan(maxLineId(restored));
    }

    @Test
    void a_t1_of_the_shop_travels_through_every_mode_and_back_unchanged() throws SQLException {
        Tenant source = strata.tenants().create(NewTenant.t1("traveller").withMode(IsolationMode.RLS));
        writeRows(source, 4);
        Tenant child = strata.tenants().create(NewTenant.t2("traveller-kid", source.slug()));
        Shop.seed(strata, child.id(), child.slug());
        Map<String, List<String>> original = rows(source);
        Map<String, String> originalChecksums = checksums(exportManifest(source));

        Tenant current = source;
        int hop = 0;
        for (IsolationMode mode : List.of(IsolationMode.SCHEMA, IsolationMode.DATABASE, IsolationMode.RLS)) {
            byte[] archive = ArchiveBytes.export(strata, current.slug());
            Tenant next = ArchiveBytes.importBytes(strata, archive,
                    ImportOptions.inMode(mode).withSlug("traveller-" + (++hop))).tenant();
            assertThat(next.mode()).isEqualTo(mode);
            assertThat(rows(next)).as("rows after hop %s to %s", hop, mode.wireName()).isEqualTo(original);
            assertThat(checksums(exportManifest(next))).as("checksums after hop %s", hop).isEqualTo(originalChecksums);
            assertThat(newLineIdAfterRestore(next)).isGreaterThan(maxLineId(next));
            current = next;
        }
        assertThat(rows(source)).as("the source is untouched").isEqualTo(original);
    }

    @Test
    void the_archive_records_the_applied_migration_version_and_a_newer_one_is_refused() throws SQLException {
        Tenant source = strata.tenants().create(NewTenant.t2("versioned", parents.get(IsolationMode.SCHEMA).slug()));
        Shop.seed(strata, source.id(), source.slug());
        byte[] archive = ArchiveBytes.export(strata, source.slug());
        assertThat(ArchiveBytes.manifest(archive).get("schemaVersion").asText())
                .as("the newest migration in the tenant schema's history").isEqualTo("2");

        byte[] future = ArchiveBytes.withManifest(archive, m -> m.put("schemaVersion", "2.1"));

        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, future, ImportOptions.inMode(IsolationMode.DATABASE)
                .withParent(parents.get(IsolationMode.RLS).slug()).withSlug("from-the-future")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("2.1");
                });
        assertThat(liveSlugs()).doesNotContain("from-the-future");
    }

    @Test
    void an_archive_newer_than_the_target_schemas_own_history_is_refused_and_nothing_is_created() throws SQLException {
        Tenant behind = strata.tenants().create(NewTenant.t1("behind").withMode(IsolationMode.DATABASE));
        try (Connection c = TestStrata.admin(behind.placement().database());
             PreparedStatement ps = c.prepareStatement("DELETE FROM app.strata_schema_history WHERE version = '2'")) {
            assertThat(ps.executeUpdate()).as("the T1's database made to look one migration behind").isEqualTo(1);
        }
        Tenant source = strata.tenants().create(NewTenant.t2("ahead", parents.get(IsolationMode.RLS).slug()));
        Shop.seed(strata, source.id(), source.slug());
        byte[] archive = ArchiveBytes.export(strata, source.slug());

        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, archive, ImportOptions.inMode(IsolationMode.RLS)
                .withParent(behind.slug()).withSlug("ahead-copy")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(ErrorCode.ARCHIVE_VERSION_UNSUPPORTED);
                    assertThat(e.getMessage()).contains("version 2", "is at version 1", behind.placement().database());
                });
        assertThat(liveSlugs()).doesNotContain("ahead-copy");
        try (Connection c = TestStrata.admin(behind.placement().database())) {
            for (String table : TABLES) {
                assertThat(strings(c, "SELECT count(*)::text FROM app." + table + " WHERE tenant_id <> ?", behind.id()))
                        .as("rows left in %s", table).containsExactly("0");
            }
        }
    }

    private List<String> liveSlugs() {
        return strata.tenants().list().stream().filter(t -> t.status() != TenantStatus.DECOMMISSIONED)
                .map(Tenant::slug).toList();
    }

    // ---------------------------------------------------------------- helpers

    /** The shop's seed plus {@code extraLines} lines with awkward values (quotes, unicode, nested jsonb). */
    private void writeRows(Tenant tenant, int extraLines) throws SQLException {
        Shop.Seeded seeded = Shop.seed(strata, tenant.id(), tenant.slug());
        strata.useTenant(tenant.id(), scope -> {
            UUID customer = Shop.customer(scope.connection(), tenant.id(), "Zoë \"Q\" O'Brien\ttab", "zoe@" + tenant.slug() + ".test",
                    "{\"address\": {\"city\": \"Zürich\", \"lines\": [\"a\\\\b\", null]}, \"score\": 1.5e3, \"ok\": true}");
            UUID order = Shop.order(scope.connection(), tenant.id(), customer, "USD", null);
            for (int i = 0; i < extraLines; i++) {
                Shop.line(scope.connection(), tenant.id(), i % 2 == 0 ? order : seeded.orders().get(0), "sku\\" + i, i + 1, "1234567890.1" + i);
            }
        });
    }

    private ArchiveManifest exportManifest(Tenant tenant) {
        return strata.exportTenant(tenant.id().toString(), java.io.OutputStream.nullOutputStream());
    }

    private static Map<String, String> checksums(ArchiveManifest manifest) {
        Map<String, String> out = new LinkedHashMap<>();
        manifest.tables().forEach(t -> out.put(t.name(), t.rows() + ":" + t.sha256()));
        return out;
    }

    private static Map<String, Long> rowsByTable(ArchiveManifest manifest) {
        Map<String, Long> out = new LinkedHashMap<>();
        manifest.tables().forEach(t -> out.put(t.name(), t.rows()));
        return out;
    }

    private static Map<String, Long> storedRowCounts(Tenant tenant) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : rows(tenant).entrySet()) {
            out.put(e.getKey(), (long) e.getValue().size());
        }
        return out;
    }

    /** Every table's rows of the tenant as jsonb text without tenant_id, sorted, read by the administrator. */
    private static Map<String, List<String>> rows(Tenant tenant) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            for (String table : TABLES) {
                out.put(table, strings(c, "SELECT (to_jsonb(r) - 'tenant_id')::text FROM " + qualified(tenant, table)
                        + " r WHERE tenant_id = ? ORDER BY 1", tenant.id()));
            }
        }
        return out;
    }

    private static Map<String, Long> eventsByPartition(Tenant tenant) throws SQLException {
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            return strings(c, "SELECT tableoid::regclass::text FROM " + qualified(tenant, "events") + " WHERE tenant_id = ?",
                    tenant.id()).stream()
                    .map(name -> name.substring(name.lastIndexOf('.') + 1))
                    .collect(Collectors.groupingBy(name -> name, java.util.TreeMap::new, Collectors.counting()));
        }
    }

    private static long maxLineId(Tenant tenant) throws SQLException {
        try (Connection c = TestStrata.admin(tenant.placement().database())) {
            return Long.parseLong(strings(c, "SELECT max(id)::text FROM " + qualified(tenant, "order_lines")
                    + " WHERE tenant_id = ?", tenant.id()).get(0));
        }
    }

    /** Inserts a line as the tenant (rolled back) and returns the id the identity column gave it. */
    private long newLineIdAfterRestore(Tenant tenant) throws SQLException {
        return strata.inTenant(tenant.id(), scope -> {
            UUID order;
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT id FROM orders WHERE tenant_id = ? LIMIT 1")) {
                ps.setObject(1, tenant.id());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    order = rs.getObject(1, UUID.class);
                }
            }
            long id = Shop.line(scope.connection(), tenant.id(), order, "after-restore", 1, "1");
            scope.connection().rollback();
            return id;
        });
    }

    private static String qualified(Tenant tenant, String table) {
        return dev.strata.internal.sql.Identifiers.qualified(tenant.placement().schema(), table);
    }

    private static List<String> strings(Connection c, String sql, UUID tenant) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
