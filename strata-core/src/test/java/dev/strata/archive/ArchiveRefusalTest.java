package dev.strata.archive;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives that must be refused, each with its own error code and a message saying what is wrong,
 * and with nothing written: no tenant, no database, no schema, no row, no journal or event entry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveRefusalTest {
    private Strata strata;
    private Tenant parent;
    private byte[] archive;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        parent = strata.tenants().create(NewTenant.t1("home"));
        Tenant source = strata.tenants().create(NewTenant.t2("source", "home"));
        SampleDocuments.insert(strata, source.id(), 200, 11);
        archive = ArchiveBytes.export(strata, "source");
        strata.tenants().decommission("source", false);
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void the_untouched_archive_imports() {
        // The control for every refusal below: the same archive, undamaged, is accepted.
        ImportResult result = ArchiveBytes.importBytes(strata, archive, new ImportOptions(null, null, "control"));
        assertThat(result.manifest().totalRows()).isEqualTo(200);
        assertThat(SampleDocuments.read(strata, result.tenant().id())).hasSize(200);
    }

    @Test
    void a_byte_flipped_inside_a_table_entry_is_refused_as_corrupt() throws Exception {
        byte[] damaged = ArchiveBytes.withFlippedByteInEntry(archive, "tables/documents.copy");

        assertRefusedWithNothingWritten(damaged, ErrorCode.ARCHIVE_CORRUPT, "documents");
    }

    @Test
    void table_data_altered_behind_a_valid_zip_is_refused_by_its_checksum() throws Exception {
        String text = ArchiveBytes.tableText(archive, "documents");
        byte[] altered = ArchiveBytes.withTableData(archive, "documents", text.replaceFirst("doc 1", "doc 9"), false);

        assertRefusedWithNothingWritten(altered, ErrorCode.ARCHIVE_CORRUPT, "table 'documents' has SHA-256");
    }

    @Test
    void a_truncated_archive_is_refused_as_corrupt() throws Exception {
        byte[] half = Arrays.copyOf(archive, archive.length / 2);

        assertRefusedWithNothingWritten(half, ErrorCode.ARCHIVE_CORRUPT, "truncated");
    }

    @Test
    void an_archive_from_a_newer_migration_version_is_refused_as_unsupported() throws Exception {
        byte[] future = ArchiveBytes.withManifest(archive, m -> m.put("schemaVersion", "1.10"));

        assertRefusedWithNothingWritten(future, ErrorCode.ARCHIVE_VERSION_UNSUPPORTED,
                "migration version 1.10", "newest migration 1", "configure the application's migrations");
    }

    @Test
    void an_archive_naming_an_invalid_migration_version_is_refused_as_corrupt() throws Exception {
        byte[] odd = ArchiveBytes.withManifest(archive, m -> m.put("schemaVersion", "not a version"));

        assertRefusedWithNothingWritten(odd, ErrorCode.ARCHIVE_CORRUPT, "no valid schema version");
    }

    @Test
    void an_archive_of_an_unknown_layout_version_is_refused_as_unsupported() throws Exception {
        byte[] future = ArchiveBytes.withManifest(archive, m -> m.put("formatVersion", 2));

        assertRefusedWithNothingWritten(future, ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "layout version 2");
    }

    @Test
    void a_manifest_with_a_wrong_row_count_is_refused_as_corrupt() throws Exception {
        byte[] lying = ArchiveBytes.withManifest(archive,
                m -> ArchiveBytes.firstTableOf(m).put("rows", 201));

        assertRefusedWithNothingWritten(lying, ErrorCode.ARCHIVE_CORRUPT, "holds 200 rows but the manifest records 201");
    }

    @Test
    void a_manifest_naming_a_column_the_schema_lacks_is_refused_before_anything_is_created() throws Exception {
        byte[] foreign = ArchiveBytes.withManifest(archive,
                m -> ArchiveBytes.firstTableOf(m).withArray("columns").add("color"));

        assertRefusedWithNothingWritten(foreign, ErrorCode.ARCHIVE_VERSION_UNSUPPORTED, "column 'documents.color'");
    }

    @Test
    void table_data_the_manifest_does_not_list_is_refused_as_corrupt() throws Exception {
        var entries = ArchiveBytes.entries(archive);
        entries.put("tables/smuggled.copy", "x\n".getBytes());

        assertRefusedWithNothingWritten(ArchiveBytes.zip(entries), ErrorCode.ARCHIVE_CORRUPT, "tables/smuggled.copy");
    }

    @Test
    void an_archive_without_a_manifest_is_refused_as_corrupt() throws Exception {
        var entries = ArchiveBytes.entries(archive);
        entries.remove("manifest.json");

        assertRefusedWithNothingWritten(ArchiveBytes.zip(entries), ErrorCode.ARCHIVE_CORRUPT, "no manifest.json");
    }

    @Test
    void a_manifest_that_is_not_json_is_refused_as_corrupt() throws Exception {
        var entries = ArchiveBytes.entries(archive);
        entries.put("manifest.json", "{\"format\": \"strata-tenant-archive\", ".getBytes());

        assertRefusedWithNothingWritten(ArchiveBytes.zip(entries), ErrorCode.ARCHIVE_CORRUPT, "not valid JSON");
    }

    @Test
    void something_that_is_not_a_zip_is_refused_as_corrupt() throws Exception {
        assertRefusedWithNothingWritten("COPY text, not an archive\n".getBytes(), ErrorCode.ARCHIVE_CORRUPT, "not a readable ZIP");
        assertRefusedWithNothingWritten(new byte[0], ErrorCode.ARCHIVE_CORRUPT, "not a readable ZIP");
    }

    @Test
    void a_zip_of_something_else_is_refused_as_corrupt() throws Exception {
        byte[] other = ArchiveBytes.zip(new java.util.LinkedHashMap<>(java.util.Map.of("manifest.json", "{\"name\": \"my-app\"}".getBytes())));

        assertRefusedWithNothingWritten(other, ErrorCode.ARCHIVE_CORRUPT, "not describe a Strata tenant archive");
    }

    @Test
    void a_stream_that_fails_while_reading_is_refused_as_corrupt() throws Exception {
        ServerState before = ServerState.of(strata);
        InputStream failing = new InputStream() {
            private final InputStream start = new ByteArrayInputStream(Arrays.copyOf(archive, 1000));

            @Override
            public int read() throws IOException {
                int b = start.read();
                if (b < 0) {
                    throw new IOException("connection reset");
                }
                return b;
            }
        };

        assertThatThrownBy(() -> strata.importTenant(failing, new ImportOptions(null, null, "fresh")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.ARCHIVE_CORRUPT);
                    assertThat(e.getMessage()).contains("connection reset");
                });
        assertThat(ServerState.of(strata)).isEqualTo(before);
    }

    @Test
    void the_archived_slug_of_a_live_tenant_is_refused_as_a_duplicate() throws Exception {
        strata.tenants().create(NewTenant.t2("taken", "home"));
        byte[] named = ArchiveBytes.withManifest(archive, m -> ArchiveBytes.tenantOf(m).put("slug", "taken"));

        assertRefusedWithNothingWritten(named, ErrorCode.DUPLICATE_SLUG, "'taken'", "another slug");
    }

    @Test
    void a_t2_archive_whose_parent_is_gone_needs_a_parent() throws Exception {
        byte[] orphan = ArchiveBytes.withManifest(archive, m -> ArchiveBytes.tenantOf(m).put("parentId", UUID.randomUUID().toString()));

        assertRefusedWithNothingWritten(orphan, ErrorCode.TENANT_NOT_FOUND, "parent T1", "--parent");
        assertThat(ArchiveBytes.importBytes(strata, orphan, new ImportOptions(null, "home", "adopted")).tenant().parentId())
                .isEqualTo(parent.id());
    }

    @Test
    void a_parent_that_does_not_exist_is_refused() throws Exception {
        assertRefusedWithNothingWritten(archive, new ImportOptions(null, "nowhere", "fresh"), ErrorCode.TENANT_NOT_FOUND,
                "parent 'nowhere'", "does not exist");
    }

    @Test
    void a_t2_archive_cannot_be_restored_under_a_t2() throws Exception {
        strata.tenants().create(NewTenant.t2("not-a-parent", "home"));

        assertRefusedWithNothingWritten(archive, new ImportOptions(null, "not-a-parent", "fresh"), ErrorCode.INVALID_HIERARCHY, "T1");
    }

    @Test
    void an_invalid_new_slug_is_refused() throws Exception {
        assertRefusedWithNothingWritten(archive, new ImportOptions(null, null, "Bad Slug"), ErrorCode.INVALID_SLUG, "Bad Slug");
    }

    /**
     * Rows the archive vouches for (count and checksum fixed up) but the database rejects: the
     * tenant is provisioned, the load fails, and everything is rolled back in every target mode.
     */
    @ParameterizedTest
    @EnumSource(IsolationMode.class)
    void a_load_failure_after_provisioning_rolls_the_tenant_back_completely(IsolationMode mode) throws Exception {
        List<Path> spooledBefore = spooled();
        String text = ArchiveBytes.tableText(archive, "documents");
        byte[] badValue = ArchiveBytes.withTableData(archive, "documents", "not-a-uuid" + text.substring(36), true);
        String firstRow = text.substring(0, text.indexOf('\n') + 1);
        byte[] duplicateKey = ArchiveBytes.withTableData(archive, "documents", firstRow + text, true);

        assertRefusedWithNothingWritten(badValue, ImportOptions.inMode(mode).withSlug("doomed"), ErrorCode.ARCHIVE_CORRUPT,
                "table 'documents'", "not-a-uuid", "rolled back");
        assertRefusedWithNothingWritten(duplicateKey, ImportOptions.inMode(mode).withSlug("doomed"), ErrorCode.ARCHIVE_CORRUPT,
                "table 'documents'", "duplicate key", "rolled back");
        assertThat(spooled()).as("the spooled archives are deleted").isEqualTo(spooledBefore);
    }

    private static List<Path> spooled() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("strata-import-")).sorted().toList();
        }
    }

    private void assertRefusedWithNothingWritten(byte[] bytes, ErrorCode code, String... messageParts) throws Exception {
        assertRefusedWithNothingWritten(bytes, new ImportOptions(IsolationMode.DATABASE, null, null), code, messageParts);
    }

    private void assertRefusedWithNothingWritten(byte[] bytes, ImportOptions options, ErrorCode code, String... messageParts)
            throws Exception {
        ServerState before = ServerState.of(strata);
        List<String> slugs = strata.tenants().list().stream().map(Tenant::slug).toList();

        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, bytes, options))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messageParts);
                });

        assertThat(strata.tenants().list().stream().map(Tenant::slug).toList()).isEqualTo(slugs);
        assertThat(ServerState.of(strata)).isEqualTo(before);
    }
}
