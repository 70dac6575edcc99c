package dev.strata.server.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.Main;
import dev.strata.server.api.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --log-level}, {@code --log-format}, {@code --log-zone} (and their variables): what lands on standard error. */
class LoggingTest {
    private static final Logger LOG = LoggerFactory.getLogger("dev.strata.test.LoggingTest");

    @TempDir
    Path home;

    @AfterEach
    void defaults() {
        run(Map.of(), "--help");
    }

    private int run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        return Main.execute(new Environment(env, home), new PrintWriter(out), new PrintWriter(new StringWriter()), args);
    }

    /**
     * What the logger writes to the console while {@code action} runs: standard error with
     * logback.xml, standard output with the tests' logback-test.xml.
     */
    private static String stderr(Runnable action) {
        PrintStream originalErr = System.err;
        PrintStream originalOut = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        System.setOut(capture);
        try {
            action.run();
        } finally {
            System.setErr(originalErr);
            System.setOut(originalOut);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static void logAboutATenant() {
        MDC.put("tenant", "3f1c0000-0000-4000-8000-000000000001");
        try {
            LOG.info("provisioned \"shop\"");
            LOG.debug("a detail");
        } finally {
            MDC.remove("tenant");
        }
        LOG.warn("not about a tenant");
    }

    @Test
    void text_lines_carry_date_time_zone_offset_and_the_tenant_id() {
        assertThat(run(Map.of(), "--log-zone", "Asia/Kolkata", "completion", "--help")).isZero();
        String lines = stderr(LoggingTest::logAboutATenant);
        assertThat(lines.lines()).hasSize(2);
        String first = lines.lines().findFirst().orElseThrow();
        assertThat(first).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+05:30 INFO .*")
                .contains("tenant=3f1c0000-0000-4000-8000-000000000001").contains("provisioned \"shop\"");
        assertThat(lines.lines().skip(1).findFirst().orElseThrow()).contains("tenant=-").contains("not about a tenant");
    }

    @Test
    void json_lines_are_one_object_each_with_an_iso_timestamp_and_the_tenant_field() throws Exception {
        assertThat(run(Map.of(), "tenants", "--log-format", "json", "--log-level", "debug", "--log-zone", "UTC", "--help")).isZero();
        String lines = stderr(LoggingTest::logAboutATenant);
        assertThat(lines.lines()).hasSize(3);
        JsonNode first = Json.mapper().readTree(lines.lines().findFirst().orElseThrow());
        assertThat(first.get("level").asText()).isEqualTo("INFO");
        assertThat(first.get("tenant").asText()).isEqualTo("3f1c0000-0000-4000-8000-000000000001");
        assertThat(first.get("message").asText()).isEqualTo("provisioned \"shop\"");
        assertThat(first.get("logger").asText()).isEqualTo("dev.strata.test.LoggingTest");
        assertThat(first.get("timestamp").asText()).endsWith("Z");
        assertThat(OffsetDateTime.parse(first.get("timestamp").asText().replace("Z", "+00:00"))).isNotNull();
        JsonNode debug = Json.mapper().readTree(lines.lines().skip(1).findFirst().orElseThrow());
        assertThat(debug.get("level").asText()).isEqualTo("DEBUG");
        JsonNode last = Json.mapper().readTree(lines.lines().skip(2).findFirst().orElseThrow());
        assertThat(last.has("tenant")).isFalse();
    }

    @Test
    void the_variables_set_level_and_format_and_the_options_win() throws Exception {
        run(Map.of("STRATA_LOG_LEVEL", "warn", "STRATA_LOG_FORMAT", "json"), "--help");
        String warnOnly = stderr(LoggingTest::logAboutATenant);
        assertThat(warnOnly.lines()).hasSize(1);
        assertThat(Json.mapper().readTree(warnOnly.strip()).get("level").asText()).isEqualTo("WARN");

        run(Map.of("STRATA_LOG_LEVEL", "warn", "STRATA_LOG_FORMAT", "json"), "--log-level", "info", "--log-format", "text", "--help");
        assertThat(stderr(LoggingTest::logAboutATenant).lines()).hasSize(2).noneMatch(l -> l.startsWith("{"));
    }

    @Test
    void a_bad_level_format_or_zone_is_a_usage_error_naming_where_it_came_from() {
        StringWriter err = new StringWriter();
        int code = Main.execute(new Environment(Map.of(), home), new PrintWriter(new StringWriter()), new PrintWriter(err),
                "--log-format", "xml", "tenants", "list");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--log-format").contains("text or json");
        StringWriter err2 = new StringWriter();
        assertThat(Main.execute(new Environment(Map.of("STRATA_LOG_LEVEL", "loud"), home), new PrintWriter(new StringWriter()),
                new PrintWriter(err2), "tenants", "list")).isEqualTo(2);
        assertThat(err2.toString()).contains("STRATA_LOG_LEVEL");
        assertThat(run(Map.of(), "--log-zone", "Mars/Olympus", "--help")).isEqualTo(2);
    }
}
