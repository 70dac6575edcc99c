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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Archives over a configured bound (uploaded size, inflated size of one entry or of all, number of
 * entries), and archives whose entries are duplicated or foreign, are refused before anything is
 * written, with the bound named, and leave no temporary file behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchiveBoundsTest {
    private static final long MIB = 1 << 20;
    private static final ArchiveLimits LIMITS = new ArchiveLimits(MIB, 3 * MIB, 2 * MIB, 8);

    private Strata strata;
    private byte[] archive;

    @BeforeAll
    void start() {
        strata = TestStrata.start(b -> b.archiveLimits(LIMITS));
        strata.tenants().create(NewTenant.t1("bounds-home"));
        Tenant source = strata.tenants().create(NewTenant.t2("bounded", "bounds-home"));
        SampleDocuments.insert(strata, source.id(), 50, 3);
        archive = ArchiveBytes.export(strata, "bounded");
        strata.tenants().decommission("bounded", false);
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void the_configured_bounds_are_the_strata_configs_and_the_defaults_are_documented() {
        assertThat(strata.config().archiveLimits()).isEqualTo(LIMITS);
        assertThat(ArchiveLimits.DEFAULT).isEqualTo(new ArchiveLimits(256 * MIB, 512 * MIB, 512 * MIB, 1000));
        assertThatThrownBy(() -> new ArchiveLimits(0, 1, 1, 2)).isInstanceOfSatisfying(StrataException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION));
    }

    @Test
    void an_archive_within_the_bounds_imports() {
        ImportResult result = ArchiveBytes.importBytes(strata, archive, new ImportOptions(null, null, "bounded-ok"));
        assertThat(result.manifest().totalRows()).isEqualTo(50);
    }

    @Test
    void an_upload_larger_than_the_archive_bound_is_refused_while_it_is_spooled() throws Exception {
        byte[] noise = new byte[(int) (MIB + MIB / 4)];
        new Random(7).nextBytes(noise);
        byte[] big = withEntry(archive, "tables/documents.copy", noise);
        assertThat(big.length).isGreaterThan((int) MIB);
        assertTooLarge(big, "1 MiB", "maxArchiveBytes");
    }

    @Test
    void an_entry_that_inflates_beyond_the_entry_bound_is_refused() throws Exception {
        assertTooLarge(withEntry(archive, "tables/documents.copy", zeros(2 * MIB + 1)), "2 MiB", "maxEntryBytes");
    }

    @Test
    void an_entry_whose_directory_lies_about_its_size_is_refused_while_it_inflates() throws Exception {
        byte[] bomb = withEntry(archive, "tables/documents.copy", zeros(2 * MIB + 1));
        byte[] lying = withDeclaredSize(bomb, "tables/documents.copy", 100);
        assertTooLarge(lying, "2 MiB", "maxEntryBytes");
    }

    @Test
    void entries_that_inflate_beyond_the_total_bound_together_are_refused() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(ArchiveBytes.entries(archive));
        entries.put("tables/documents.copy", zeros(MIB + MIB / 2 + 1));
        entries.put("tables/other.copy", zeros(MIB + MIB / 2 + 1));
        assertTooLarge(ArchiveBytes.zip(entries), "3 MiB", "maxInflatedBytes");
    }

    @Test
    void an_archive_of_more_entries_than_the_bound_is_refused() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>(ArchiveBytes.entries(archive));
        for (int i = 0; i < 8; i++) {
            entries.put("tables/extra" + i + ".copy", new byte[0]);
        }
        assertTooLarge(ArchiveBytes.zip(entries), "8 an archive may have", "maxEntries");
    }

    @Test
    void an_archive_holding_an_entry_twice_is_refused_whichever_entry_it_is() throws Exception {
        for (String entry : List.of("tables/documents.copy", "manifest.json")) {
            byte[] doubled = withDuplicate(archive, entry);
            assertRefused(doubled, ErrorCode.ARCHIVE_CORRUPT, "'" + entry + "'", "more than once");
        }
    }

    @Test
    void an_archive_with_an_entry_that_is_not_part_of_the_format_is_refused() throws Exception {
        for (String name : List.of("notes.txt", "tables/nested/documents.copy", "tables/", "../manifest.json")) {
            Map<String, byte[]> entries = new LinkedHashMap<>(ArchiveBytes.entries(archive));
            entries.put(name, "x".getBytes(StandardCharsets.UTF_8));
            assertRefused(ArchiveBytes.zip(entries), ErrorCode.ARCHIVE_CORRUPT, "not part of a Strata archive");
        }
    }

    // ---------------------------------------------------------------- helpers

    private void assertTooLarge(byte[] bytes, String... messageParts) throws Exception {
        assertRefused(bytes, ErrorCode.ARCHIVE_TOO_LARGE, messageParts);
    }

    private void assertRefused(byte[] bytes, ErrorCode code, String... messageParts) throws Exception {
        ServerState before = ServerState.of(strata);
        List<Path> spooled = spooledFiles();
        assertThatThrownBy(() -> ArchiveBytes.importBytes(strata, bytes, new ImportOptions(IsolationMode.DATABASE, null, "refused")))
                .isInstanceOfSatisfying(StrataException.class, e -> {
                    assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
                    assertThat(e.getMessage()).contains(messageParts);
                });
        assertThat(ServerState.of(strata)).isEqualTo(before);
        assertThat(ServerState.hasTenant(strata, "refused")).isFalse();
        assertThat(spooledFiles()).as("no temporary file left").isEqualTo(spooled);
    }

    private static List<Path> spooledFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(p -> p.getFileName().toString().startsWith("strata-import-")).sorted().toList();
        }
    }

    private static byte[] zeros(long n) {
        return new byte[(int) n];
    }

    private static byte[] withEntry(byte[] archive, String name, byte[] content) {
        Map<String, byte[]> entries = new LinkedHashMap<>(ArchiveBytes.entries(archive));
        entries.put(name, content);
        return ArchiveBytes.zip(entries);
    }

    /**
     * The archive with a second copy of an entry: written under a placeholder name of the same
     * length, which is then renamed in the local header and the central directory (ZipOutputStream
     * refuses duplicates itself).
     */
    private static byte[] withDuplicate(byte[] archive, String name) {
        String placeholder = name.substring(0, name.length() - 1) + "~";
        Map<String, byte[]> entries = new LinkedHashMap<>(ArchiveBytes.entries(archive));
        byte[] copy = entries.get(name).clone();
        Map<String, byte[]> withPlaceholder = new LinkedHashMap<>();
        withPlaceholder.put(placeholder, copy);
        withPlaceholder.putAll(entries);
        byte[] zip = ArchiveBytes.zip(withPlaceholder);
        byte[] from = placeholder.getBytes(StandardCharsets.UTF_8);
        byte[] to = name.getBytes(StandardCharsets.UTF_8);
        int replaced = 0;
        for (int i = 0; i + from.length <= zip.length; i++) {
            if (Arrays.equals(zip, i, i + from.length, from, 0, from.length)) {
                System.arraycopy(to, 0, zip, i, to.length);
                replaced++;
            }
        }
        assertThat(replaced).as("renamed in the local header and the central directory").isEqualTo(2);
        return zip;
    }

    /** The archive with the central directory's uncompressed size of an entry replaced. */
    private static byte[] withDeclaredSize(byte[] zip, String name, int size) {
        byte[] out = zip.clone();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i + 46 <= out.length; i++) {
            if (out[i] == 0x50 && out[i + 1] == 0x4b && out[i + 2] == 0x01 && out[i + 3] == 0x02) {
                int nameLength = (out[i + 28] & 0xff) | (out[i + 29] & 0xff) << 8;
                if (nameLength == n.length && Arrays.equals(out, i + 46, i + 46 + nameLength, n, 0, n.length)) {
                    out[i + 24] = (byte) size;
                    out[i + 25] = (byte) (size >>> 8);
                    out[i + 26] = (byte) (size >>> 16);
                    out[i + 27] = (byte) (size >>> 24);
                    return out;
                }
            }
        }
        throw new AssertionError("no central directory entry " + name);
    }
}
