package dev.strata.server.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.strata.server.api.Json;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The client's JSON without an ObjectMapper builds the trees and prints the text that Jackson's mapper does. */
class ClientJsonTest {
    private static final List<String> DOCUMENTS = List.of(
            "{\"tenants\": [{\"id\": \"3415b6aa\", \"tier\": 0, \"parent\": null, \"active\": true}], \"next_cursor\": null}",
            "{\"n\": 2147483648, \"big\": 123456789012345678901234567890, \"f\": 1.5, \"e\": -2.5e-7, \"neg\": -1}",
            "{\"text\": \"caf\\u00e9 \\\"quoted\\\" \\n tab\\t \\ud83d\\ude00 </script>\", \"empty\": {}, \"none\": []}",
            "[1, [2, [3, {\"deep\": [true, false, null]}]]]",
            "\"just a string\"",
            "42",
            "{\"yaml\": \"123\", \"colon\": \"a: b\", \"dash\": \"- x\", \"multi\": \"line1\\nline2\", \"blank\": \"\"}");

    @Test
    void reads_the_trees_the_mapper_reads() throws IOException {
        for (String document : DOCUMENTS) {
            assertThat(ClientJson.read(document)).as(document).isEqualTo(Json.mapper().readTree(document));
            assertThat(ClientJson.read(document.getBytes(StandardCharsets.UTF_8))).as(document)
                    .isEqualTo(Json.mapper().readTree(document));
            assertThat(ClientJson.readLenient(document)).as(document).isEqualTo(new ObjectMapper().readTree(document));
        }
        assertThat(ClientJson.read(new byte[0])).isEqualTo(MissingNode.getInstance());
    }

    @Test
    void prints_the_text_the_mapper_prints_as_json_and_as_yaml() throws IOException {
        ObjectMapper yaml = new ObjectMapper(yamlFactory());
        for (String document : DOCUMENTS) {
            JsonNode tree = Json.mapper().readTree(document);
            assertThat(ClientJson.pretty(tree)).as(document)
                    .isEqualTo(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(tree));
            assertThat(ClientJson.compact(tree)).as(document).isEqualTo(tree.toString());
            StringWriter text = new StringWriter();
            try (JsonGenerator generator = yamlFactory().createGenerator(text)) {
                ClientJson.write(tree, generator);
            }
            assertThat(text.toString()).as(document).isEqualTo(yaml.writeValueAsString(tree));
        }
    }

    @Test
    void refuses_what_the_strict_mapper_refuses_and_reads_what_a_default_mapper_reads_leniently() throws IOException {
        for (String bad : List.of("{\"a\": 1, \"a\": 2}", "{\"a\": 1} {\"b\": 2}", "{\"a\": ", "{\"a\" 1}", "nope")) {
            assertThatThrownBy(() -> ClientJson.read(bad)).as(bad).isInstanceOf(IOException.class);
        }
        for (String lenient : List.of("{\"a\": 1, \"a\": 2}", "{\"a\": 1} trailing")) {
            assertThat(ClientJson.readLenient(lenient)).as(lenient).isEqualTo(new ObjectMapper().readTree(lenient));
        }
    }

    private static YAMLFactory yamlFactory() {
        return YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build();
    }
}
