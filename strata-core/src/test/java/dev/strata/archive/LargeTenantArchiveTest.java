package dev.strata.archive;

import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant of 200,000 rows goes through files, never through a byte array: the export streams
 * into a file and the import streams from one. (Constant memory is a property of the code, which
 * streams COPY into the ZIP entry and the ZIP entry into COPY; a heap limit cannot be asserted
 * in-process, so this test checks sizes and counts.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeTenantArchiveTest {
    private static final int ROWS = 200_000;

    private Strata strata;
    private Tenant big;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        strata = TestStrata.start();
        strata.tenants().create(NewTenant.t1("host"));
        big = strata.tenants().create(NewTenant.t2("big", "host"));
        strata.useTenant(big.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("""
                    INSERT INTO documents (tenant_id, title, body)
                    SELECT ?, 'document ' || g, repeat(md5(g::text), 3) || E'\\t' || g FROM generate_series(1, ?) g""")) {
                ps.setObject(1, scope.tenantId());
                ps.setInt(2, ROWS);
                ps.executeUpdate();
            }
        });
        dir = Files.createTempDirectory("strata-large-archive");
    }

    @AfterAll
    void stop() throws Exception {
        TestStrata.stopAndDrop(strata);
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void a_large_tenant_streams_to_a_file_and_back() throws Exception {
        Path file = dir.resolve("big.zip");
        ArchiveManifest manifest;
        try (OutputStream out = Files.newOutputStream(file)) {
            manifest = strata.exportTenant("big", out);
        }

        TableSummary documents = manifest.tables().get(0);
        assertThat(documents.rows()).isEqualTo(ROWS);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry("tables/documents.copy");
            long lines = 0;
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(zip.getInputStream(entry), sha)) {
                byte[] buffer = new byte[1 << 16];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    for (int i = 0; i < n; i++) {
                        lines += buffer[i] == '\n' ? 1 : 0;
                    }
                }
            }
            assertThat(lines).isEqualTo(ROWS);
            assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(documents.sha256());
            assertThat(entry.getSize()).as("over 100 bytes per row uncompressed").isGreaterThan(100L * ROWS);
            assertThat(Files.size(file)).as("compressed").isLessThan(entry.getSize() / 2);
        }

        ImportResult restored;
        try (InputStream in = Files.newInputStream(file)) {
            restored = strata.importTenant(in, ImportOptions.inMode(IsolationMode.DATABASE).withSlug("big-copy"));
        }
        long count = strata.inTenant(restored.tenant().id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement("SELECT count(*) FROM documents WHERE tenant_id = ?")) {
                ps.setObject(1, scope.tenantId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(count).isEqualTo(ROWS);
        assertThat(restored.manifest().tables().get(0).sha256()).isEqualTo(documents.sha256());
    }
}
