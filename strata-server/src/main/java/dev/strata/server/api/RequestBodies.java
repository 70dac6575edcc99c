package dev.strata.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Collectors;

/**
 * Reads small JSON request bodies: bounded in size, and every way they can be wrong answered with
 * {@link ErrorCode#INVALID_ARGUMENT} naming the problem.
 */
final class RequestBodies {
    /** Bodies of the JSON endpoints are tiny; anything larger is a mistake or an attack. */
    static final int MAX_JSON_BYTES = 64 * 1024;

    private RequestBodies() {
    }

    /** Refuses a request body on an endpoint that takes none (white space counts as none). */
    static void requireNone(Context ctx) {
        byte[] bytes = readBounded(ctx);
        if (bytes.length > 0 && !new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw invalid("This endpoint takes no request body: send none");
        }
    }

    /** The parsed body, or {@code null} if the request has none. */
    static <T> T read(Context ctx, Class<T> type) {
        byte[] bytes = readBounded(ctx);
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return null;
        }
        try {
            return Json.mapper().readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null ? "" : e.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
            throw invalid("Unknown field '" + e.getPropertyName() + "'" + (known.isEmpty() ? "" : ": expected " + known));
        } catch (MismatchedInputException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            throw invalid(field.isEmpty() ? "The request body must be a JSON object"
                    : "Field '" + field + "' must be " + expected(e.getTargetType()) + " (JSON values are not converted: "
                    + "no quotes around numbers or booleans, no numbers for booleans or text)");
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() == null ? "[" + r.getIndex() + "]" : r.getFieldName())
                    .collect(Collectors.joining("."));
            String reason = e.getCause() instanceof JsonProcessingException cause ? cause.getOriginalMessage() : e.getOriginalMessage();
            throw invalid((field.isEmpty() ? "The request body" : "Field '" + field + "'") + " is invalid: " + reason);
        } catch (com.fasterxml.jackson.core.exc.InputCoercionException e) {
            String field = e.getProcessor() == null ? null : currentName(e.getProcessor());
            throw invalid((field == null ? "A number" : "Field '" + field + "'") + " is out of range: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw invalid("Malformed JSON in the request body: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw invalid("Could not read the request body: " + e.getMessage());
        }
    }

    private static String currentName(com.fasterxml.jackson.core.JsonParser parser) {
        try {
            return parser.currentName();
        } catch (IOException e) {
            return null;
        }
    }

    /** The JSON type a Java field type needs, in words. */
    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    private static byte[] readBounded(Context ctx) {
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
            if (bytes.length > MAX_JSON_BYTES) {
                throw invalid("The request body is larger than " + MAX_JSON_BYTES / 1024 + " KiB");
            }
            return bytes;
        } catch (IOException e) {
            throw invalid("Could not read the request body: " + e.getMessage());
        }
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
