package dev.strata.server.cli;

import dev.strata.server.testing.Cli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class NeonLocalCommandTest {

    @Test
    void its_api_key_is_made_once_readable_by_its_owner_only_and_kept(@TempDir Path home) throws Exception {
        String first = NeonLocalCommand.apiKey(home);
        Path file = home.resolve(NeonLocalCommand.KEY_FILE);
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(first).startsWith("neonlocal_").hasSizeGreaterThan(40);
        assertThat(NeonLocalCommand.apiKey(home)).isEqualTo(first);
    }

    @Test
    void bad_options_are_refused_before_anything_starts(@TempDir Path home) {
        Cli.Run port = Cli.run(home, Map.of(), "neon-local", "--port", "70000", "--data-dir", home.resolve("n").toString());
        assertThat(port.exitCode()).isNotZero();
        assertThat(port.err()).contains("--port");
        Cli.Run delay = Cli.run(home, Map.of(), "neon-local", "--cold-start", "soon", "--data-dir", home.resolve("n").toString());
        assertThat(delay.exitCode()).isNotZero();
        assertThat(delay.err()).contains("--cold-start");
        assertThat(home.resolve("n").resolve("postgres")).doesNotExist();
    }

    @Test
    void the_help_says_what_it_is() {
        Cli.Run help = Cli.run(Path.of("."), Map.of(), "neon-local", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("stand-in").contains("--cold-start").contains("--database-url");
    }
}
