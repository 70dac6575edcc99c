package dev.strata.server;

import dev.strata.server.runtime.Environment;
import dev.strata.server.testing.ApiExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client entry point {@code bin/strata} runs the client commands with: it answers every client
 * command line exactly as the whole command line ({@link Main}) does, and starting it loads neither
 * the HTTP server, the pool, Flyway nor Strata's engine (nor an ObjectMapper or the JDK's HTTP client,
 * which cost a short command more than its request).
 */
class ClientMainTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    @TempDir
    Path home;

    @BeforeAll
    static void tenants() {
        assertThat(api.http().post("/v1/tenants", "{\"tier\": 1, \"slug\": \"cm-partner\"}").status()).isEqualTo(201);
        assertThat(api.http().post("/v1/tenants", "{\"tier\": 2, \"slug\": \"cm-customer\", \"parent\": \"cm-partner\"}")
                .status()).isEqualTo(201);
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run run(boolean client, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Environment env = new Environment(api.cliEnvironment(), home);
        int code = client ? ClientMain.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args)
                : Main.execute(env, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void every_client_command_line_answers_as_the_whole_command_line_does() {
        List<String[]> lines = List.of(
                new String[] {"tenants", "list"},
                new String[] {"tenants", "list", "-o", "json"},
                new String[] {"tenants", "list", "-o", "yaml", "--limit", "1"},
                new String[] {"tenants", "show", "cm-customer", "--json"},
                new String[] {"tenants", "show", "no-such-tenant"},
                new String[] {"tenants", "create", "--slug", "cm-partner", "--tier", "1"},
                new String[] {"tenants", "--log-level", "warn", "list", "-o", "yaml"},
                new String[] {"tenants", "list", "--help"},
                new String[] {"tenants", "--help"},
                new String[] {"tenants"},
                new String[] {"tenants", "lst"},
                new String[] {"tenants", "list", "-o", "xml"},
                new String[] {"tenants", "limits", "--help"},
                new String[] {"operations", "list", "-o", "yaml"},
                new String[] {"migrate", "status", "-o", "json"},
                new String[] {"config", "get-contexts", "-o", "json"},
                new String[] {"help", "tenants"},
                new String[] {"completion", "bash"});
        for (String[] line : lines) {
            Run whole = run(false, line);
            Run client = run(true, line);
            assertThat(client).as(String.join(" ", line)).isEqualTo(whole);
        }
    }

    @Test
    void the_client_entry_point_loads_no_server_engine_or_heavy_client_classes() throws IOException, InterruptedException {
        Path classes = home.resolve("classes.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes, "-cp", System.getProperty("java.class.path"),
                ClientMain.class.getName(), "tenants", "list", "-o", "yaml"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("STRATA_"));
        pb.environment().putAll(api.cliEnvironment());
        pb.environment().put("HOME", home.toString());
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("slug: cm-customer");

        List<String> loaded = Files.readAllLines(classes).stream()
                .filter(line -> line.contains("[class,load]"))
                .map(line -> line.replaceAll("^.*\\[class,load\\] (\\S+).*$", "$1"))
                .toList();
        assertThat(loaded).contains(ClientMain.class.getName(), "picocli.CommandLine");
        assertThat(loaded).noneMatch(name -> name.startsWith("io.javalin.") || name.startsWith("org.eclipse.jetty.")
                || name.startsWith("com.zaxxer.") || name.startsWith("org.flywaydb.") || name.startsWith("dev.strata.internal.")
                || name.startsWith("org.postgresql.") || name.startsWith("ch.qos.logback.classic.")
                || name.equals(Main.class.getName()) || name.startsWith("java.net.http.")
                || name.equals("com.fasterxml.jackson.databind.ObjectMapper"));
    }
}
