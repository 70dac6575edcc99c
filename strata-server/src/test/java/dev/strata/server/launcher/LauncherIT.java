package dev.strata.server.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/strata}, run as a user would run it, after the build made the jar. */
class LauncherIT {

    @Test
    void help_works_from_any_directory_and_through_a_symlink(@TempDir Path elsewhere) throws IOException {
        Processes.Result help = Processes.run(elsewhere, Map.of(), List.of(Processes.LAUNCHER.toString(), "--help"));
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.out()).startsWith("Usage: strata").contains("serve", "demo", "tenants", "audit");
        assertThat(help.err()).as("a fresh jar is not rebuilt").doesNotContain("building strata");

        Path link = Files.createSymbolicLink(elsewhere.resolve("strata"), Processes.LAUNCHER);
        Processes.Result version = Processes.run(elsewhere, Map.of(), List.of(link.toString(), "--version"));
        assertThat(version.exitCode()).as(version.toString()).isZero();
        assertThat(version.out()).startsWith("strata ");
    }

    /**
     * The rebuild rule, checked on a copy of the launcher in a fake repository whose {@code mvn}
     * and {@code java} only record how they were called.
     */
    @Test
    void the_jar_is_rebuilt_only_when_missing_or_older_than_a_source_or_pom(@TempDir Path repo) throws IOException {
        Path bin = Files.createDirectories(repo.resolve("bin"));
        Files.copy(Processes.LAUNCHER, bin.resolve("strata"));
        Path tools = Files.createDirectories(repo.resolve("tools"));
        Path log = repo.resolve("calls.log");
        script(tools.resolve("mvn"), "echo \"mvn $* in $(pwd)\" >> " + log + "\n"
                + "mkdir -p strata-server/target strata-bench/target\n"
                + "touch strata-server/target/strata.jar strata-bench/target/strata-bench.jar\n");
        script(tools.resolve("java"), "echo \"java $*\" >> " + log + "\n");
        Path source = Files.createDirectories(repo.resolve("strata-core/src/main/java")).resolve("A.java");
        Files.writeString(source, "class A {}");
        Files.writeString(repo.resolve("pom.xml"), "<project/>");
        Map<String, String> env = Map.of("PATH", tools + ":" + System.getenv("PATH"), "STRATA_JAVA_OPTS", "-Xmx64m");
        List<String> launcher = List.of(bin.resolve("strata").toString());

        Processes.Result first = Processes.run(repo.resolve("bin"), env, concat(launcher, "tenants", "list"));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.err()).isEqualTo("building strata…\n");
        assertThat(first.out()).isEmpty();

        Processes.Result fresh = Processes.run(repo, env, concat(launcher, "--help"));
        assertThat(fresh.err()).isEmpty();

        Files.setLastModifiedTime(repo.resolve("strata-server/target/strata.jar"), FileTime.from(Instant.now().minusSeconds(60)));
        // in the future, so that no jar built below is newer than it
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(3600)));
        Processes.Result stale = Processes.run(repo, env, concat(launcher, "demo"));
        assertThat(stale.err()).isEqualTo("building strata…\n");

        Processes.Result bench = Processes.run(repo, env, concat(launcher, "bench", "run", "--quick"));
        assertThat(bench.exitCode()).as(bench.toString()).isZero();

        String archive = repo + "/strata-server/target/strata-client.jsa";
        String jar = repo + "/strata-server/target/strata.jar";
        String client = "-XX:TieredStopAtLevel=1 -XX:+UseG1GC -XX:-UsePerfData -Xss1m ";
        List<String> calls = Files.readAllLines(log);
        assertThat(calls).hasSize(8);
        // the first client command records its classes; as it succeeded, they are dumped into the archive
        assertThat(calls.get(1)).matches(java.util.regex.Pattern.quote("java " + client + "-XX:DumpLoadedClassList=" + archive + ".")
                + "\\d+" + java.util.regex.Pattern.quote(".classlist -Xmx64m -cp " + jar + " dev.strata.server.ClientMain tenants list"));
        assertThat(calls.get(2)).matches(java.util.regex.Pattern.quote("java -XX:+UseG1GC -Xshare:dump -XX:SharedClassListFile="
                + archive + ".") + "\\d+" + java.util.regex.Pattern.quote(".classlist -XX:SharedArchiveFile=" + archive + ".")
                + "\\d+" + java.util.regex.Pattern.quote(" -cp " + jar));
        assertThat(calls.subList(0, 1)).containsExactly("mvn -q -DskipTests -pl strata-server -am package in " + repo);
        assertThat(calls.subList(3, 8)).containsExactly(
                "java -Xmx64m -jar " + repo + "/strata-server/target/strata.jar --help",
                "mvn -q -DskipTests -pl strata-server -am package in " + repo,
                "java -Xmx64m -jar " + repo + "/strata-server/target/strata.jar demo",
                "mvn -q -DskipTests -pl strata-bench -am package in " + repo,
                "java -Xmx64m -jar " + repo + "/strata-bench/target/strata-bench.jar run --quick");
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/usr/bin/env bash\nset -e\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> concat(List<String> head, String... tail) {
        return java.util.stream.Stream.concat(head.stream(), java.util.Arrays.stream(tail)).toList();
    }
}
