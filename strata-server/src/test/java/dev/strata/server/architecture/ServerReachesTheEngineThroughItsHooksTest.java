package dev.strata.server.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server (REST API, CLI, demo) uses the engine only through the public API and the narrow
 * {@code dev.strata.internal.ServerHooks} ({@code Strata.serverHooks()}), never the whole engine
 * ({@code Strata.internals()}, {@code StrataEngine}): what it may reach is written down in one
 * interface. Reads this module's own main sources.
 */
class ServerReachesTheEngineThroughItsHooksTest {
    private static final Path MAIN = Path.of("src", "main", "java");

    @Test
    void no_main_source_of_the_server_reaches_into_the_whole_engine() throws IOException {
        assertThat(MAIN).as("run from the strata-server module").isDirectory();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i);
                    if (line.contains(".internals()") || line.contains("StrataEngine")) {
                        offenders.add(MAIN.relativize(file) + ":" + (i + 1) + ": " + line.strip());
                    }
                }
            }
        }
        assertThat(offenders).as("use strata.serverHooks() (dev.strata.internal.ServerHooks; add the method there "
                + "if the server truly needs it) or the public API instead").isEmpty();
    }
}
