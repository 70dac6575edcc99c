package dev.strata.server.runtime;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin key file and the data directory it lives in are their owner's only. */
class AdminKeyFileTest {

    @Test
    void a_missing_data_directory_is_created_owner_only_with_the_key_file(@TempDir Path parent) throws Exception {
        Path dataDir = parent.resolve("a").resolve("strata");

        AdminKeyFile.write(dataDir, "strata_secret");

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(parent.resolve("a"))).isEqualTo("rwx------");
        assertThat(mode(AdminKeyFile.in(dataDir))).isEqualTo("rw-------");
        assertThat(AdminKeyFile.read(dataDir)).contains("strata_secret");
    }

    @Test
    void a_data_directory_readable_by_others_is_narrowed(@TempDir Path dataDir) throws Exception {
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));

        AdminKeyFile.write(dataDir, "strata_secret");

        assertThat(mode(dataDir)).isEqualTo("rwx------");
        assertThat(mode(AdminKeyFile.in(dataDir))).isEqualTo("rw-------");
    }

    private static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }
}
