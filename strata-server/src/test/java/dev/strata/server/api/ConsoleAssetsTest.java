package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web console's static files as HTTP serves them: public (no key) for GET and HEAD of {@code /}
 * and {@code /console/**} only, nothing secret, a strict Content-Security-Policy, no framing, and
 * no script or style that is inline or from elsewhere.
 */
class ConsoleAssetsTest {
    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    private final Http anonymous = api.http().withKey(null);

    @Test
    void the_console_page_is_served_at_the_root_without_a_key() {
        Answer page = anonymous.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.body()).contains("<script type=\"module\" src=\"/console/js/main.js\"></script>");
        assertThat(page.body()).doesNotContain(api.adminKey());
        Answer head = anonymous.send("HEAD", "/");
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.contentType()).startsWith("text/html");
    }

    @Test
    void every_console_file_is_served_without_a_key_with_its_type_and_security_headers() throws Exception {
        List<String> files = consoleFiles();
        assertThat(files).contains("index.html", "console.css", "js/main.js", "js/api.js", "js/dom.js");
        for (String file : files) {
            Answer answer = anonymous.get("/console/" + file);
            assertThat(answer.status()).as(file).isEqualTo(200);
            assertThat(answer.body()).as(file).isEqualTo(Files.readString(resource(file)));
            String type = file.endsWith(".js") ? "text/javascript" : file.endsWith(".css") ? "text/css"
                    : file.endsWith(".svg") ? "image/svg+xml" : "text/html";
            assertThat(answer.contentType()).as(file).startsWith(type);
            assertSecurityHeaders(answer);
        }
        assertSecurityHeaders(anonymous.get("/"));
    }

    @Test
    void only_get_and_head_of_console_paths_are_public() {
        assertProblem(anonymous.post("/", "{}"), ErrorCode.UNAUTHORIZED);
        assertProblem(anonymous.post("/console/js/main.js", "{}"), ErrorCode.UNAUTHORIZED);
        assertProblem(anonymous.send("PUT", "/console/index.html", "{}"), ErrorCode.UNAUTHORIZED);
        assertProblem(anonymous.send("DELETE", "/"), ErrorCode.UNAUTHORIZED);
        for (String path : new String[] {"/v1/tenants", "/v1/audit", "/v1/migrations", "/v1/operations", "/consolex",
                "/console", "/index.html", "/v1/tenants/operator/tables", "/v1/tenants/operator/activity"}) {
            assertProblem(anonymous.get(path), ErrorCode.UNAUTHORIZED);
        }
    }

    @Test
    void paths_under_console_that_are_no_console_file_reveal_nothing() {
        for (String path : new String[] {"/console/", "/console/nothing.js", "/console/js", "/console/openapi.json",
                "/console/logback.xml", "/console/strata-version.properties", "/console/db/demo/V1__documents.sql",
                "/console/js/../index.html", "/console/%2e%2e/v1/tenants", "/console/..%2fv1%2ftenants",
                "/console/dev/strata/server/api/ApiServer.class", "/console/js/main.js.map", "/console/.hidden"}) {
            Answer answer = anonymous.get(path);
            assertThat(answer.status()).as(path).isIn(400, 404);
            assertThat(answer.body()).as(path).doesNotContain("\"tenants\"").doesNotContain("operator")
                    .doesNotContain("<configuration").doesNotContain("CREATE TABLE");
        }
        assertProblem(anonymous.get("/console/nothing.js"), ErrorCode.ROUTE_NOT_FOUND);
    }

    @Test
    void no_console_file_has_inline_script_inline_style_markup_sinks_or_anything_from_another_origin() throws Exception {
        Pattern inlineScript = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE);
        Pattern inlineHandler = Pattern.compile("<[^>]+\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE);
        Pattern styleAttribute = Pattern.compile("<[^>]+\\sstyle\\s*=", Pattern.CASE_INSENSITIVE);
        Pattern remote = Pattern.compile("(?:https?:)?//(?!www\\.w3\\.org/2000/svg)[a-z0-9.-]+\\.[a-z]{2,}", Pattern.CASE_INSENSITIVE);
        Pattern sinks = Pattern.compile("\\.innerHTML|\\.outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new Function\\s*\\("
                + "|setAttribute\\(\\s*'style'|javascript:");
        for (String file : consoleFiles()) {
            String text = Files.readString(resource(file));
            if (file.endsWith(".html")) {
                assertThat(inlineScript.matcher(text).find()).as(file + ": inline script").isFalse();
                assertThat(inlineHandler.matcher(text).find()).as(file + ": inline event handler").isFalse();
                assertThat(styleAttribute.matcher(text).find()).as(file + ": style attribute").isFalse();
                assertThat(text).as(file).doesNotContain("<style");
            }
            Matcher m = remote.matcher(text);
            assertThat(m.find() ? m.group() : null).as(file + ": a reference to another origin").isNull();
            if (file.endsWith(".js")) {
                Matcher sink = sinks.matcher(text);
                assertThat(sink.find() ? sink.group() : null).as(file + ": renders markup from strings or runs strings as code")
                        .isNull();
            }
        }
    }

    private static void assertSecurityHeaders(Answer answer) {
        String csp = Objects.requireNonNullElse(answer.header("Content-Security-Policy"), "");
        assertThat(csp).contains("script-src 'self'").contains("default-src 'none'").contains("frame-ancestors 'none'")
                .contains("connect-src 'self'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(answer.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(answer.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(answer.header("Referrer-Policy")).isEqualTo("no-referrer");
    }

    /** The console's files in the build, by name under {@code console/}. */
    static List<String> consoleFiles() throws IOException, URISyntaxException {
        Path root = Path.of(Objects.requireNonNull(ConsoleAssetsTest.class.getResource("/console")).toURI());
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).map(f -> root.relativize(f).toString().replace('\\', '/')).sorted().toList();
        }
    }

    private static Path resource(String file) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ConsoleAssetsTest.class.getResource("/console/" + file)).toURI());
    }
}
