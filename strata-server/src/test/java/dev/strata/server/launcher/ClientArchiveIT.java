package dev.strata.server.launcher;

import dev.strata.server.testing.ApiExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code bin/strata}'s class-data sharing archive for the client commands: the first successful
 * client command after a build makes it, and the next ones map their classes from it (picocli's
 * and Strata's client classes included) instead of reading them from the jar. Runs the real
 * launcher on a copy of the built jar in a repository of its own, so the build's archive is not touched.
 */
class ClientArchiveIT {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    @Test
    void the_first_client_command_makes_the_archive_and_the_next_ones_use_it(@TempDir Path repo) throws IOException {
        assumeTrue(jvmCanShareClasses(repo), "this JVM cannot map a class-data sharing archive");
        Path builtJar = Processes.ROOT.resolve("strata-server/target/strata.jar");
        assertThat(builtJar).as("the build makes the jar before the integration tests").exists();
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Files.copy(Processes.LAUNCHER, bin.resolve("strata"));
        bin.resolve("strata").toFile().setExecutable(true);
        Path target = Files.createDirectories(repo.resolve("strata-server/target"));
        Files.copy(builtJar, target.resolve("strata.jar"));
        Map<String, String> env = new HashMap<>(Map.of("STRATA_API", api.baseUri().toString(), "STRATA_API_KEY", api.adminKey(),
                "HOME", repo.toString()));
        List<String> tenantsList = List.of(bin.resolve("strata").toString(), "tenants", "list");

        Processes.Result help = Processes.run(repo, env, List.of(bin.resolve("strata").toString(), "tenants", "--help"));
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(target.resolve("strata-client.jsa")).as("help is no sample of a client command").doesNotExist();

        Processes.Result first = Processes.run(repo, env, tenantsList);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(target.resolve("strata-client.jsa")).exists();
        assertThat(target.resolve("strata-client.jsa.failed")).doesNotExist();

        Path classes = repo.resolve("classes.log");
        env.put("STRATA_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes);
        Processes.Result next = Processes.run(repo, env, tenantsList);
        assertThat(next.exitCode()).as(next.toString()).isZero();
        assertThat(next.out()).isEqualTo(first.out());
        List<String> log = Files.readAllLines(classes);
        for (String name : List.of("dev.strata.server.ClientMain", "dev.strata.server.cli.ApiClient", "picocli.CommandLine",
                "com.fasterxml.jackson.core.JsonFactory")) {
            assertThat(log).as(name).anyMatch(line -> line.contains("] " + name + " source: shared objects file"));
        }
        long fromJar = log.stream().filter(line -> line.contains("source: file:")).count();
        assertThat(fromJar).as("classes read from the jar instead of the archive").isLessThan(100);
    }

    /** Whether this JVM maps its own default archive: if not, it cannot use one of ours either. */
    private static boolean jvmCanShareClasses(Path dir) {
        Processes.Result result = Processes.run(dir, Map.of(), List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:on", "-version"));
        return result.exitCode() == 0;
    }
}
