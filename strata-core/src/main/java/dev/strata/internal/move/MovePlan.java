package dev.strata.internal.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.StrataException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What one move does, decided when it starts and journalled as its operation's detail, so that
 * any process can resume or abort it after the placement changed: the tenant, the tenants whose
 * rows move with it ({@code members}: the tenant first, then the T2s living with it), the mode
 * before and after, both sides and the freeze bound. Immutable.
 */
public record MovePlan(UUID tenantId, String slug, IsolationMode fromMode, IsolationMode toMode, List<UUID> members,
                       MoveSide source, MoveSide target, long freezeWaitMillis) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public MovePlan {
        Objects.requireNonNull(tenantId, "tenantId");
        members = List.copyOf(members);
        if (members.isEmpty() || !members.get(0).equals(tenantId)) {
            throw new IllegalArgumentException("the moving tenant is the first member");
        }
    }

    /** The carried T2s (members but the tenant itself). */
    public List<UUID> carried() {
        return members.subList(1, members.size());
    }

    /** The name of the capture's slot and publication: stable per operation, {@code [a-z0-9_]}, at most 40 characters. */
    public static String captureName(UUID operation) {
        return "strata_mv_" + operation.toString().replace("-", "").substring(0, 24);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("tenant_id", tenantId.toString()).put("slug", slug)
                .put("from_mode", fromMode.wireName()).put("to_mode", toMode.wireName())
                .put("freeze_wait_ms", freezeWaitMillis);
        ArrayNode ids = node.putArray("members");
        members.forEach(id -> ids.add(id.toString()));
        source.write(node.putObject("source"));
        target.write(node.putObject("target"));
        return node.toString();
    }

    public static MovePlan fromJson(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            List<UUID> members = new ArrayList<>();
            node.path("members").forEach(n -> members.add(UUID.fromString(n.asText())));
            return new MovePlan(UUID.fromString(node.path("tenant_id").asText()), node.path("slug").asText(),
                    IsolationMode.parse(node.path("from_mode").asText()), IsolationMode.parse(node.path("to_mode").asText()),
                    members, MoveSide.read(node.path("source")), MoveSide.read(node.path("target")),
                    node.path("freeze_wait_ms").asLong(5000));
        } catch (IOException | RuntimeException e) {
            throw new StrataException(ErrorCode.INTERNAL, "The journal of a move is unreadable: " + e.getMessage(), e);
        }
    }
}
