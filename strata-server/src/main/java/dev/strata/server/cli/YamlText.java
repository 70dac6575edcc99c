package dev.strata.server.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.strata.server.runtime.ClientJson;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The API's JSON answers as YAML documents (block style, no {@code ---} marker, strings quoted only
 * where YAML needs it), written by the YAML generator alone (see {@link ClientJson}).
 */
final class YamlText {
    private YamlText() {
    }

    private static final class Holder {
        static final YAMLFactory YAML = YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build();
    }

    static String write(JsonNode node) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = Holder.YAML.createGenerator(text)) {
            ClientJson.write(node, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("A tree always serialises", e);
        }
        return text.toString();
    }
}
