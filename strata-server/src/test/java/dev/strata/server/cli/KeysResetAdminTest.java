package dev.strata.server.cli;

import dev.strata.server.runtime.AdminKeyFile;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import dev.strata.server.testing.Http;
import dev.strata.testing.SharedPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.strata.server.testing.Cli.assertSucceeded;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code strata keys reset-admin}: a lost admin key is recovered by whoever reaches the management
 * database (here through {@code --database-url}), never over the network. Its own control plane:
 * the reset revokes the admin key other test classes use.
 */
class KeysResetAdminTest {
    @RegisterExtension
    static final ApiExtension own = ApiExtension.standard();

    @TempDir
    Path dataDir;

    @Test
    void reset_admin_revokes_the_lost_admin_key_and_saves_a_new_one_reaching_the_database_directly() throws IOException {
        String lost = own.adminKey();
        Http http = new Http(own.baseUri(), lost);
        assertThat(http.get("/v1/tenants").status()).isEqualTo(200);

        Run reset = Cli.run(dataDir, Map.of(), "keys", "reset-admin", "--database-url", Cli.url(SharedPostgres.server()),
                "--namespace", own.strata().config().namespace(), "--data-dir", dataDir.toString());
        assertSucceeded(reset);
        String fresh = AdminKeyFile.read(dataDir).orElseThrow();
        assertThat(reset.out()).contains(fresh).contains(AdminKeyFile.in(dataDir).toString());
        assertThat(fresh).isNotEqualTo(lost);

        assertThat(http.get("/v1/tenants").status()).as("the lost key is revoked").isEqualTo(401);
        assertThat(http.withKey(fresh).get("/v1/audit").status()).as("the new key is the operator's").isEqualTo(200);
        Run list = Cli.run(dataDir, Map.of("STRATA_API", own.baseUri().toString(), "STRATA_HOME", dataDir.toString()),
                "tenants", "list");
        assertSucceeded(list);
        assertThat(Files.readString(AdminKeyFile.in(dataDir)).strip()).isEqualTo(fresh);
    }

    @Test
    void there_is_no_endpoint_that_resets_or_reveals_an_admin_key() {
        Http operator = new Http(own.baseUri(), own.keys().create("probe").secret());
        for (String path : new String[] {"/v1/keys/reset-admin", "/v1/keys/admin", "/v1/admin-key", "/v1/keys/reset"}) {
            assertThat(operator.post(path, "{}").status()).as(path).isIn(404, 405);
            assertThat(operator.get(path).status()).as(path).isIn(400, 404);
        }
    }
}
