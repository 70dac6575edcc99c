package dev.strata.server.cli;

import dev.strata.server.testing.Cli;
import dev.strata.server.testing.Cli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --migrations} and {@code STRATA_MIGRATIONS} of the commands that start Strata ({@code serve},
 * {@code demo}): a bad location is a usage error naming the option or the variable, before
 * anything starts (no PostgreSQL, no data directory written).
 */
class MigrationLocationsTest {
    @TempDir
    Path home;

    @Test
    void a_location_without_classpath_or_filesystem_is_refused_naming_the_option() {
        for (String command : new String[] {"serve", "demo"}) {
            Run run = strata(Map.of(), command, "--migrations", "db/tenant");
            assertUsage(run, "Invalid value for --migrations: 'db/tenant': use classpath:<path>");
            run = strata(Map.of(), command, "--migrations", "http://example.com/m");
            assertUsage(run, "--migrations");
        }
    }

    @Test
    void a_missing_directory_or_a_file_is_refused() throws Exception {
        Path file = Files.writeString(home.resolve("V1__x.sql"), "SELECT 1;");
        assertUsage(strata(Map.of(), "serve", "--migrations", "filesystem:" + home.resolve("nowhere")), "does not exist");
        assertUsage(strata(Map.of(), "serve", "--migrations", "filesystem:" + file), "is not a directory");
        assertUsage(strata(Map.of(), "demo", "--migrations", "filesystem:" + home.resolve("nowhere")), "does not exist");
    }

    @Test
    void a_location_given_twice_is_refused() {
        assertUsage(strata(Map.of(), "serve", "--migrations", "classpath:db/a", "--migrations", "classpath:db/a"),
                "'classpath:db/a' is given twice");
        assertUsage(strata(Map.of("STRATA_MIGRATIONS", "classpath:db/a, classpath:db/a"), "serve"), "STRATA_MIGRATIONS");
    }

    @Test
    void the_variable_is_comma_separated_and_refuses_empty_entries_naming_itself() {
        assertUsage(strata(Map.of("STRATA_MIGRATIONS", "classpath:db/a,,classpath:db/b"), "serve"),
                "Invalid value for STRATA_MIGRATIONS: an empty location");
        assertUsage(strata(Map.of("STRATA_MIGRATIONS", "classpath:db/a,"), "demo"), "STRATA_MIGRATIONS");
        assertUsage(strata(Map.of("STRATA_MIGRATIONS", "db/a"), "serve"), "Invalid value for STRATA_MIGRATIONS: 'db/a'");
        assertUsage(strata(Map.of("STRATA_MIGRATIONS", "   "), "serve"), "STRATA_MIGRATIONS is set but empty");
    }

    @Test
    void the_option_wins_over_the_variable() {
        Run run = strata(Map.of("STRATA_MIGRATIONS", "classpath:db/fine"), "serve", "--migrations", "nope");
        assertUsage(run, "Invalid value for --migrations: 'nope'");
    }

    @Test
    void help_documents_the_option_and_the_variable() {
        for (String command : new String[] {"serve", "demo"}) {
            Run run = strata(Map.of(), command, "--help");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("--migrations=LOCATION").contains("STRATA_MIGRATIONS");
        }
    }

    private Run strata(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("STRATA_HOME", home.resolve("data").toString());
        return Cli.run(home, all, args);
    }

    private void assertUsage(Run run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).as(run.toString()).contains(message);
        assertThat(home.resolve("data")).as("nothing started").doesNotExist();
    }
}
