package dev.strata.internal.operation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds the small JSON objects journalled as an operation's (or an event's) detail. */
public final class JournalDetail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JournalDetail() {
    }

    /** A JSON object of string fields: {@code json("mode", "rls", "schema", "app")}. */
    public static String json(String... keyValues) {
        return object(keyValues).toString();
    }

    /** The same as a tree, to add structured fields to. */
    public static ObjectNode object(String... keyValues) {
        ObjectNode node = JSON.createObjectNode();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            node.put(keyValues[i], keyValues[i + 1]);
        }
        return node;
    }
}
