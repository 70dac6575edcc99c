package dev.strata.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** The API's JSON answers as YAML documents (block style, no {@code ---} marker, strings quoted only where YAML needs it). */
final class YamlText {
    private YamlText() {
    }

    private static final class Holder {
        static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .build());
    }

    static String write(JsonNode node) throws JsonProcessingException {
        return Holder.YAML.writeValueAsString(node);
    }
}
