package dev.strata.server.api;

import dev.strata.Strata;
import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.testing.Snapshot;
import dev.strata.testing.TestStrataExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiKeysTest {
    @RegisterExtension
    static final TestStrataExtension FIXTURE = TestStrataExtension.standard();

    private final Strata strata = FIXTURE.strata();
    private final ApiKeys keys = new ApiKeys(strata.internals().management());

    @Test
    void the_admin_key_is_created_once_saved_owner_only_and_stored_only_as_its_hash(@TempDir Path dataDir) throws IOException {
        Path notADirectory = Path.of("/proc/version");
        assertThatThrownBy(() -> keys.createAdminKeyIfNone(s -> AdminKeyFile.write(notADirectory, s)))
                .hasMessageContaining("Could not save the new admin API key");
        assertThat(Snapshot.countWhere(strata, "SELECT count(*) FROM platform.api_keys WHERE name = ?", ApiKeys.ADMIN))
                .as("a key whose secret could not be saved is not stored").isZero();

        Optional<ApiKeys.Created> first = keys.createAdminKeyIfNone(secret -> AdminKeyFile.write(dataDir, secret));
        assertThat(first).isPresent();
        String secret = first.get().secret();
        assertThat(secret).matches("strata_" + first.get().key().id().toString().replace("-", "") + "_[A-Za-z0-9_-]{43}");
        assertThat(first.get().key().tenantId()).as("the bootstrap key is the operator's").isEqualTo(strata.tenants().operator().id());
        assertThat(first.get().toString()).doesNotContain(secret);

        Path file = AdminKeyFile.in(dataDir);
        assertThat(Files.readString(file).strip()).isEqualTo(secret);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var leftovers = Files.list(dataDir)) {
            assertThat(leftovers).containsExactly(file);
        }

        assertThat(keys.createAdminKeyIfNone(s -> AdminKeyFile.write(dataDir, s))).isEmpty();
        assertThat(Files.readString(file).strip()).isEqualTo(secret);
        assertThat(Snapshot.countWhere(strata, "SELECT count(*) FROM platform.api_keys WHERE name = ?", ApiKeys.ADMIN)).isEqualTo(1);
        assertThat(Snapshot.countWhere(strata,
                "SELECT count(*) FROM platform.api_keys WHERE key_hash = sha256(convert_to(?, 'UTF8'))", secret)).isEqualTo(1);
        assertThat(keys.authenticate(secret)).map(ApiKey::name).contains(ApiKeys.ADMIN);
        assertThat(keys.authenticate(secret.substring(1))).isEmpty();
        assertThat(keys.authenticate(null)).isEmpty();
    }
}
