package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One API call the stand-in answered, as it was received and answered (kept for tests that check
 * every request and answer against Neon's API definition). Immutable.
 *
 * @param method   HTTP method
 * @param path     the path without {@code /api/v2} and without the query
 * @param request  the request body (an empty object when there was none)
 * @param status   the HTTP status answered
 * @param response the answer's body
 */
public record Exchange(String method, String path, JsonNode request, int status, JsonNode response) {
}
