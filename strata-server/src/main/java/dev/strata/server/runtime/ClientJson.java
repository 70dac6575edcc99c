package dev.strata.server.runtime;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * JSON trees for the client commands, read and written with Jackson's streaming parser and
 * generator alone: an {@code ObjectMapper} costs a short-lived command more to set up than its
 * request takes. The trees and the text are the same as {@code Json.mapper()}'s: {@link #read}
 * builds what its {@code readTree} builds (refusing duplicate keys and trailing tokens as it does),
 * {@link #pretty} prints what its {@code writerWithDefaultPrettyPrinter()} prints, {@link #compact}
 * what {@code JsonNode.toString()} prints. Thread-safe.
 */
public final class ClientJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private static final JsonFactory LENIENT = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ClientJson() {
    }

    /** A new, empty object node. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** The tree of a JSON document ({@link MissingNode} if there is none); an {@link IOException} if it is not JSON. */
    public static JsonNode read(byte[] json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return read(parser);
        }
    }

    /** {@link #read(byte[])} of a text. */
    public static JsonNode read(String json) throws IOException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return read(parser);
        }
    }

    /**
     * {@link #read(String)} as a default {@code new ObjectMapper().readTree} reads (for files people
     * edit): the last of duplicate keys wins and anything after the value is ignored.
     */
    public static JsonNode readLenient(String json) throws IOException {
        try (JsonParser parser = LENIENT.createParser(json)) {
            return read(parser, false);
        }
    }

    private static JsonNode read(JsonParser parser) throws IOException {
        return read(parser, true);
    }

    private static JsonNode read(JsonParser parser, boolean strict) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            return MissingNode.getInstance();
        }
        JsonNode root = null;
        Deque<JsonNode> open = new ArrayDeque<>();
        String field = null;
        while (true) {
            JsonNode value;
            switch (token) {
                case FIELD_NAME -> {
                    field = parser.currentName();
                    token = parser.nextToken();
                    continue;
                }
                case START_OBJECT -> value = NODES.objectNode();
                case START_ARRAY -> value = NODES.arrayNode();
                case END_OBJECT, END_ARRAY -> {
                    JsonNode closed = open.pop();
                    if (open.isEmpty()) {
                        root = closed;
                    }
                    value = null;
                }
                case VALUE_STRING -> value = NODES.textNode(parser.getText());
                case VALUE_NUMBER_INT -> value = switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> value = parser.getNumberType() == JsonParser.NumberType.BIG_DECIMAL
                        ? NODES.numberNode(parser.getDecimalValue()) : NODES.numberNode(parser.getDoubleValue());
                case VALUE_TRUE -> value = NODES.booleanNode(true);
                case VALUE_FALSE -> value = NODES.booleanNode(false);
                case VALUE_NULL -> value = NODES.nullNode();
                default -> throw new IOException("unexpected " + token + " in JSON");
            }
            if (value != null) {
                JsonNode parent = open.peek();
                if (parent == null) {
                    root = value;
                } else if (parent instanceof ObjectNode object) {
                    object.set(field, value);
                } else {
                    ((ArrayNode) parent).add(value);
                }
                if (value.isContainerNode()) {
                    open.push(value);
                }
            }
            if (open.isEmpty()) {
                break;
            }
            token = parser.nextToken();
            if (token == null) {
                throw new IOException("JSON ends early");
            }
        }
        if (strict && parser.nextToken() != null) {
            throw new IOException("trailing content after the JSON value");
        }
        return root;
    }

    /** The tree as indented JSON (Jackson's default pretty printer, no final newline). */
    public static String pretty(JsonNode node) {
        return write(node, true);
    }

    /** The tree as JSON on one line. */
    public static String compact(JsonNode node) {
        return write(node, false);
    }

    /** Writes the tree to a generator of any format (the caller closes it), as an ObjectMapper would. */
    public static void write(JsonNode node, JsonGenerator generator) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                generator.writeStartObject();
                for (var property : node.properties()) {
                    generator.writeFieldName(property.getKey());
                    write(property.getValue(), generator);
                }
                generator.writeEndObject();
            }
            case ARRAY -> {
                generator.writeStartArray();
                for (JsonNode element : node) {
                    write(element, generator);
                }
                generator.writeEndArray();
            }
            case STRING -> generator.writeString(node.textValue());
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> generator.writeNumber(node.intValue());
                    case LONG -> generator.writeNumber(node.longValue());
                    case BIG_INTEGER -> generator.writeNumber(node.bigIntegerValue());
                    case FLOAT -> generator.writeNumber(node.floatValue());
                    case DOUBLE -> generator.writeNumber(node.doubleValue());
                    default -> generator.writeNumber(node.decimalValue());
                }
            }
            case BOOLEAN -> generator.writeBoolean(node.booleanValue());
            case BINARY -> generator.writeBinary(node.binaryValue());
            case NULL, MISSING -> generator.writeNull();
            default -> throw new IOException("cannot write a " + node.getNodeType() + " node");
        }
    }

    private static String write(JsonNode node, boolean pretty) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = FACTORY.createGenerator(text)) {
            if (pretty) {
                generator.setPrettyPrinter(new DefaultPrettyPrinter());
            }
            write(node, generator);
        } catch (IOException e) {
            throw new UncheckedIOException("A tree always serialises", e);
        }
        return text.toString();
    }
}
