package dev.strata.archive;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantEvent;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveRoundTripTest {
    private static final int ROWS = 300;

    private Strata strata;
    /** One T1 per isolation mode, as parents of the T2s. */
    private final Map<IsolationMode, Tenant> parents = new EnumMap<>(IsolationMode.class);

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        for (IsolationMode mode : IsolationMode.values()) {
            Tenant parent = strata.tenants().create(NewTenant.t1("parent-" + mode.wireName()).withMode(mode));
            parents.put(mode, parent);
            SampleDocuments.insert(strata, parent.id(), 7, mode.ordinal());
        }
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    /**
     * Every pair of modes; the parents rotate so that, over the nine cases, a T2 of each mode is
     * exported from under a T1 of each mode and restored under a T1 of each mode (an RLS T2 of a
     * schema-mode T1 lives in that T1's schema, of a database-mode T1 in its database's tables).
     */
    Stream<Arguments> modePairs() {
        return Stream.of(IsolationMode.values()).flatMap(from -> Stream.of(IsolationMode.values()).map(to ->
                Arguments.of(from, to, IsolationMode.values()[to.ordinal()], IsolationMode.values()[(from.ordinal() + 1) % 3])));
    }

    @ParameterizedTest(name = "T2 {0} under a {2} T1 -> T2 {1} under a {3} T1")
    @MethodSource("modePairs")
    void t2_round_trip_between_modes_preserves_every_row(IsolationMode from, IsolationMode to,
                                                          IsolationMode fromParent, IsolationMode toParent) {
        String suffix = from.wireName() + "-" + to.wireName();
        Tenant source = strata.tenants().create(NewTenant.t2("t2-" + suffix, parents.get(fromParent).slug()).withMode(from));
        SampleDocuments.insert(strata, source.id(), ROWS, suffix.hashCode());
        Tenant sibling = strata.tenants().create(NewTenant.t2("sib-" + suffix, parents.get(fromParent).slug()).withMode(from));
        SampleDocuments.insert(strata, sibling.id(), 5, 42);

        byte[] archive = ArchiveBytes.export(strata, source.slug());
        ImportResult result = ArchiveBytes.importBytes(strata, archive,
                ImportOptions.inMode(to).withParent(parents.get(toParent).slug()).withSlug("copy-" + suffix));

        Tenant restored = result.tenant();
        assertThat(restored.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(restored.mode()).isEqualTo(to);
        assertThat(restored.tier()).isEqualTo(Tier.T2);
        assertThat(restored.parentId()).isEqualTo(parents.get(toParent).id());
        assertThat(restored.id()).as("the source still holds its id").isNotEqualTo(source.id());
        assertThat(result.manifest().tables()).extracting(TableSummary::name).containsExactly("documents");
        assertThat(result.manifest().totalRows()).as("the sibling's rows are not in the archive").isEqualTo(ROWS);
        assertThat(SampleDocuments.read(strata, restored.id())).hasSize(ROWS)
                .containsExactlyElementsOf(SampleDocuments.read(strata, source.id()));
        assertThat(reexportChecksums(restored)).isEqualTo(checksums(result.manifest()));
    }

    @ParameterizedTest(name = "T1 {0} -> T1 {1}")
    @MethodSource("t1ModePairs")
    void t1_round_trip_between_modes_preserves_its_own_rows_only(IsolationMode from, IsolationMode to) throws Exception {
        String suffix = from.wireName() + "-" + to.wireName();
        Tenant source = strata.tenants().create(NewTenant.t1("p1-" + suffix).withMode(from).withRegion("eu-west"));
        SampleDocuments.insert(strata, source.id(), ROWS, suffix.hashCode() * 31L);
        Tenant child = strata.tenants().create(NewTenant.t2("c1-" + suffix, source.slug()));
        SampleDocuments.insert(strata, child.id(), 11, 7);
        assertThat(strata.<Long, java.sql.SQLException>inTenant(source.id(), scope -> count(scope.connection())))
                .as("a T1 context sees its T2's rows too").isEqualTo(ROWS + 11);

        byte[] archive = ArchiveBytes.export(strata, source.slug());
        ArchiveManifest exported = ArchiveBytes.importBytes(strata, archive,
                ImportOptions.inMode(to).withSlug("p1-copy-" + suffix)).manifest();
        Tenant restored = strata.tenants().get("p1-copy-" + suffix);

        assertThat(exported.tier()).isEqualTo(Tier.T1);
        assertThat(exported.mode()).isEqualTo(from);
        assertThat(exported.totalRows()).as("a T1's archive holds its own rows, not its T2s'").isEqualTo(ROWS);
        assertThat(restored.mode()).isEqualTo(to);
        assertThat(restored.parentId()).isEqualTo(strata.tenants().operator().id());
        assertThat(restored.region()).isEqualTo("eu-west");
        assertThat(SampleDocuments.read(strata, restored.id())).hasSize(ROWS)
                .containsExactlyElementsOf(SampleDocuments.read(strata, source.id()));
        assertThat(strata.<Long, java.sql.SQLException>inTenant(restored.id(), scope -> count(scope.connection())))
                .as("and its new T1 context sees nothing else").isEqualTo(ROWS);
        assertThat(reexportChecksums(restored)).isEqualTo(checksums(exported));
    }

    Stream<Arguments> t1ModePairs() {
        return Stream.of(IsolationMode.values()).flatMap(from -> Stream.of(IsolationMode.values()).map(to -> Arguments.of(from, to)));
    }

    @Test
    void import_under_a_new_slug_leaves_the_source_intact_and_records_both_events() {
        Tenant source = strata.tenants().create(NewTenant.t2("keeper", parents.get(IsolationMode.DATABASE).slug()));
        SampleDocuments.insert(strata, source.id(), 40, 99);
        List<String> before = SampleDocuments.read(strata, source.id());

        ImportResult copy = ArchiveBytes.importBytes(strata, ArchiveBytes.export(strata, "keeper"),
                new ImportOptions(null, null, "keeper-copy"));

        Tenant after = strata.tenants().get("keeper");
        assertThat(after.status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(after.id()).isEqualTo(source.id());
        assertThat(SampleDocuments.read(strata, source.id())).isEqualTo(before);
        assertThat(copy.tenant().mode()).as("the hybrid default for a T2").isEqualTo(IsolationMode.RLS);
        assertThat(copy.tenant().parentId()).as("the archive's own parent").isEqualTo(source.parentId());
        assertThat(strata.tenants().history("keeper")).extracting(TenantEvent::action).contains("exported");
        assertThat(strata.tenants().history("keeper-copy")).extracting(TenantEvent::action).containsSubsequence("created", "imported");
        assertThat(strata.tenants().history("keeper-copy")).filteredOn(e -> e.action().equals("imported"))
                .singleElement().satisfies(e -> assertThat(e.detailJson()).contains(source.id().toString(), "\"rows\": 40"));
    }

    @Test
    void import_keeps_the_archived_id_when_no_tenant_has_it() {
        Tenant source = strata.tenants().create(NewTenant.t2("old-id", parents.get(IsolationMode.SCHEMA).slug()));
        SampleDocuments.insert(strata, source.id(), 25, 5);
        UUID unused = UUID.randomUUID();
        // As if restored into another installation: same rows, an id nobody here has.
        byte[] archive = ArchiveBytes.withManifest(ArchiveBytes.export(strata, "old-id"),
                m -> ArchiveBytes.tenantOf(m).put("id", unused.toString()));

        Tenant restored = ArchiveBytes.importBytes(strata, archive,
                ImportOptions.inMode(IsolationMode.DATABASE).withSlug("old-id-restored")).tenant();

        assertThat(restored.id()).isEqualTo(unused);
        assertThat(SampleDocuments.read(strata, unused)).isEqualTo(SampleDocuments.read(strata, source.id()));
    }

    @Test
    void an_empty_tenant_round_trips_as_an_empty_table() {
        Tenant source = strata.tenants().create(NewTenant.t2("empty", parents.get(IsolationMode.RLS).slug()));

        ImportResult result = ArchiveBytes.importBytes(strata, ArchiveBytes.export(strata, "empty"),
                ImportOptions.inMode(IsolationMode.SCHEMA).withSlug("empty-copy"));

        assertThat(result.manifest().tables()).singleElement().satisfies(t -> {
            assertThat(t.rows()).isZero();
            assertThat(t.sha256()).isEqualTo(ArchiveBytes.sha256(new byte[0]));
        });
        assertThat(SampleDocuments.read(strata, result.tenant().id())).isEmpty();
        assertThat(source.status()).isEqualTo(TenantStatus.ACTIVE);
    }

    @Test
    void the_archive_is_a_zip_of_copy_text_per_table_and_a_manifest_last() {
        Tenant source = strata.tenants().create(NewTenant.t2("inspect", parents.get(IsolationMode.DATABASE).slug()));
        SampleDocuments.insert(strata, source.id(), 3, 1);

        byte[] archive = ArchiveBytes.export(strata, "inspect");

        assertThat(ArchiveBytes.entries(archive).keySet()).containsExactly("tables/documents.copy", "manifest.json");
        String text = ArchiveBytes.tableText(archive, "documents");
        assertThat(text.lines()).hasSize(3).allSatisfy(line -> assertThat(line.split("\t", -1)).hasSize(4));
        assertThat(text).doesNotContain(source.id().toString());
        var manifest = ArchiveBytes.manifest(archive);
        assertThat(manifest.get("format").asText()).isEqualTo("strata-tenant-archive");
        assertThat(manifest.get("tenant").get("slug").asText()).isEqualTo("inspect");
        assertThat(manifest.get("tables").get(0).get("columns")).hasSize(4);
        assertThat(manifest.get("tables").get(0).get("sha256").asText()).isEqualTo(ArchiveBytes.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    @Test
    void the_t0_and_decommissioned_tenants_cannot_be_exported() {
        Tenant gone = strata.tenants().create(NewTenant.t2("gone", parents.get(IsolationMode.DATABASE).slug()));
        strata.tenants().decommission("gone", false);

        assertThatThrownBy(() -> ArchiveBytes.export(strata, "operator"))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_HIERARCHY));
        assertThatThrownBy(() -> ArchiveBytes.export(strata, gone.id().toString()))
                .isInstanceOfSatisfying(StrataException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TENANT_DECOMMISSIONED));
    }

    @Test
    void a_suspended_tenant_can_be_exported() {
        Tenant source = strata.tenants().create(NewTenant.t2("sleepy", parents.get(IsolationMode.DATABASE).slug()));
        SampleDocuments.insert(strata, source.id(), 9, 3);
        strata.tenants().suspend("sleepy");

        assertThat(ArchiveBytes.importBytes(strata, ArchiveBytes.export(strata, "sleepy"),
                new ImportOptions(null, null, "awake")).manifest().totalRows()).isEqualTo(9);
        assertThat(SampleDocuments.read(strata, strata.tenants().get("awake").id())).hasSize(9);
    }

    private static long count(java.sql.Connection c) throws java.sql.SQLException {
        try (var ps = c.prepareStatement("SELECT count(*) FROM documents"); var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Map<String, String> reexportChecksums(Tenant tenant) {
        ArchiveManifest again = strata.exportTenant(tenant.id().toString(), java.io.OutputStream.nullOutputStream());
        assertThat(again.mode()).isEqualTo(tenant.mode());
        return checksums(again);
    }

    private static Map<String, String> checksums(ArchiveManifest manifest) {
        Map<String, String> out = new java.util.TreeMap<>();
        manifest.tables().forEach(t -> out.put(t.name(), t.rows() + ":" + t.sha256()));
        return out;
    }
}
