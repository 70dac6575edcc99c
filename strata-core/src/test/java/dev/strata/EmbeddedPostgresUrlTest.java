package dev.strata;

import dev.strata.embedded.LocalPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strata-embedded does not know {@link PostgresServer} (it must not depend on strata-core); its
 * {@link LocalPostgres#databaseUrl()} is the contract between the two, which every adapter (the
 * server's PostgresBackend, the bench, SharedPostgres) reads with {@link PostgresServer#parse}.
 */
class EmbeddedPostgresUrlTest {

    @Test
    void postgres_server_parse_reads_every_part_of_the_embedded_servers_url_and_strata_runs_on_it(@TempDir Path dir) {
        try (LocalPostgres pg = LocalPostgres.start(dir, LocalPostgres.options().durable(false))) {
            PostgresServer server = PostgresServer.parse(pg.databaseUrl());

            assertThat(server.host()).isEqualTo(pg.host());
            assertThat(server.port()).isEqualTo(pg.port());
            assertThat(server.user()).isEqualTo(pg.user());
            assertThat(server.password()).isEqualTo(pg.password());
            assertThat(server.database()).isEqualTo(pg.database());
            assertThat(server.options()).isEmpty();
            assertThat(server.toString()).doesNotContain(pg.password());
            try (Strata strata = Strata.configure().server(server).namespace("embedded_url").start()) {
                assertThat(strata.audit().passed()).isTrue();
            }
        }
    }
}
