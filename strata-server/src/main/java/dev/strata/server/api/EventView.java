package dev.strata.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.TenantEvent;

import java.time.Instant;

/** One entry of a tenant's history as the REST API shows it; {@code detail} is a JSON object. */
public record EventView(long id, Instant at, String action, String actor, JsonNode detail) {

    public static EventView of(TenantEvent event) {
        JsonNode detail;
        try {
            detail = Json.mapper().readTree(event.detailJson() == null ? "{}" : event.detailJson());
        } catch (JsonProcessingException e) {
            detail = Json.mapper().createObjectNode().put("raw", event.detailJson());
        }
        return new EventView(event.id(), event.at(), event.action(), event.actor(), detail);
    }
}
