package dev.strata.neonlocal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shapes of Neon's API v2 for the operations Strata's client uses, from the test resource
 * {@code neon/neon-api-subset.json} (written from Neon's published definition: its paths, request
 * bodies, responses and the schemas they reference, descriptions removed). Checks a request body or
 * an answer against them with the part of OpenAPI 3.0's schema language those schemas use:
 * {@code $ref}, {@code allOf}, {@code oneOf}/{@code anyOf}, {@code type}, {@code nullable},
 * {@code required}, {@code properties}, {@code items}, {@code additionalProperties}, {@code enum},
 * {@code pattern}, {@code format: date-time}, {@code minLength}/{@code maxLength}. Thread-safe.
 */
public final class ApiShapes {
    private static final ApiShapes INSTANCE = load();

    private final JsonNode document;

    private ApiShapes(JsonNode document) {
        this.document = document;
    }

    public static ApiShapes neon() {
        return INSTANCE;
    }

    private static ApiShapes load() {
        try (InputStream in = ApiShapes.class.getResourceAsStream("/neon/neon-api-subset.json")) {
            if (in == null) {
                throw new IllegalStateException("test resource neon/neon-api-subset.json is missing");
            }
            return new ApiShapes(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The definition's path template matching a concrete path (without the {@code /api/v2} prefix), if any. */
    public Optional<String> template(String method, String path) {
        List<String> matches = new ArrayList<>();
        for (Iterator<String> it = document.path("paths").fieldNames(); it.hasNext(); ) {
            String template = it.next();
            if (!document.path("paths").path(template).has(method.toLowerCase())) {
                continue;
            }
            String regex = "\\Q" + template.replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q") + "\\E";
            if (Pattern.matches(regex, path)) {
                matches.add(template);
            }
        }
        // a literal segment (branches/count) wins over a parameter (branches/{branch_id})
        return matches.stream().min(Comparator.comparingInt(t -> t.split("\\{").length));
    }

    /** Every way a request body departs from the definition (empty when it conforms). */
    public List<String> checkRequest(String method, String path, JsonNode body) {
        String template = template(method, path).orElse(null);
        if (template == null) {
            return List.of(method + " " + path + " is not an operation of the definition's subset");
        }
        JsonNode schema = operation(method, template).path("request");
        List<String> errors = new ArrayList<>();
        if (!schema.isMissingNode()) {
            check(schema, body, "request", errors);
        }
        return errors;
    }

    /** Every way an answer departs from the definition (empty when it conforms). */
    public List<String> checkResponse(String method, String path, int status, JsonNode body) {
        String template = template(method, path).orElse(null);
        if (template == null) {
            return List.of(method + " " + path + " is not an operation of the definition's subset");
        }
        JsonNode responses = operation(method, template).path("responses");
        JsonNode response = responses.has(Integer.toString(status)) ? responses.path(Integer.toString(status))
                : responses.path("default");
        if (response.isMissingNode()) {
            return List.of(method + " " + template + " does not answer " + status);
        }
        response = resolve(response);
        JsonNode schema = response.path("content").path("application/json").path("schema");
        List<String> errors = new ArrayList<>();
        if (!schema.isMissingNode()) {
            check(schema, body, "response " + status, errors);
        }
        return errors;
    }

    private JsonNode operation(String method, String template) {
        return document.path("paths").path(template).path(method.toLowerCase());
    }

    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String[] parts = node.path("$ref").asText().substring(2).split("/");
            JsonNode target = document;
            for (String part : parts) {
                target = target.path(part);
            }
            if (target.isMissingNode()) {
                throw new IllegalStateException("unresolved reference " + node.path("$ref").asText());
            }
            node = target;
        }
        return node;
    }

    private void check(JsonNode schema, JsonNode value, String where, List<String> errors) {
        schema = resolve(schema);
        if (value == null || value.isMissingNode()) {
            return;
        }
        if (value.isNull()) {
            if (!schema.path("nullable").asBoolean(false) && schema.has("type")) {
                errors.add(where + ": null where " + schema.path("type").asText() + " is required");
            }
            return;
        }
        for (JsonNode part : schema.path("allOf")) {
            check(part, value, where, errors);
        }
        for (String keyword : new String[] {"oneOf", "anyOf"}) {
            if (schema.has(keyword)) {
                boolean any = false;
                for (JsonNode option : schema.path(keyword)) {
                    List<String> sub = new ArrayList<>();
                    check(option, value, where, sub);
                    any |= sub.isEmpty();
                }
                if (!any) {
                    errors.add(where + ": matches none of the " + keyword + " alternatives");
                }
            }
        }
        String type = schema.path("type").asText("");
        switch (type) {
            case "object" -> {
                if (!value.isObject()) {
                    errors.add(where + ": expected an object, got " + value.getNodeType());
                    return;
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    errors.add(where + ": expected an array, got " + value.getNodeType());
                    return;
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    errors.add(where + ": expected a string, got " + value.getNodeType());
                    return;
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    errors.add(where + ": expected an integer, got " + value);
                    return;
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    errors.add(where + ": expected a number, got " + value);
                    return;
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    errors.add(where + ": expected a boolean, got " + value);
                    return;
                }
            }
            default -> {
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    errors.add(where + ": required property '" + required.asText() + "' is missing");
                }
            }
            JsonNode properties = schema.path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (properties.has(field.getKey())) {
                    check(properties.path(field.getKey()), field.getValue(), where + "." + field.getKey(), errors);
                } else if (schema.path("additionalProperties").isObject()) {
                    check(schema.path("additionalProperties"), field.getValue(), where + "." + field.getKey(), errors);
                } else if (schema.path("additionalProperties").isBoolean() && !schema.path("additionalProperties").asBoolean()) {
                    errors.add(where + ": property '" + field.getKey() + "' is not allowed");
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            int i = 0;
            for (JsonNode item : value) {
                check(schema.path("items"), item, where + "[" + i++ + "]", errors);
            }
        }
        if (value.isTextual()) {
            String text = value.asText();
            if (schema.has("enum")) {
                boolean listed = false;
                for (JsonNode option : schema.path("enum")) {
                    listed |= option.asText().equals(text);
                }
                if (!listed) {
                    errors.add(where + ": '" + text + "' is not one of " + schema.path("enum"));
                }
            }
            if (schema.has("pattern") && !Pattern.compile(schema.path("pattern").asText()).matcher(text).find()) {
                errors.add(where + ": '" + text + "' does not match " + schema.path("pattern").asText());
            }
            if (schema.has("maxLength") && text.length() > schema.path("maxLength").asInt()) {
                errors.add(where + ": longer than " + schema.path("maxLength").asInt());
            }
            if (schema.has("minLength") && text.length() < schema.path("minLength").asInt()) {
                errors.add(where + ": shorter than " + schema.path("minLength").asInt());
            }
            if ("date-time".equals(schema.path("format").asText())) {
                try {
                    OffsetDateTime.parse(text);
                } catch (DateTimeParseException e) {
                    errors.add(where + ": '" + text + "' is not an RFC 3339 date-time");
                }
            }
        }
    }
}
