package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.http.Context;

import java.util.List;
import java.util.Locale;

/**
 * Admits a request only with {@code Authorization: Bearer <key>} naming a live API key (not revoked,
 * not expired, its tenant not decommissioned). Runs before every request except those of the
 * endpoints declared {@link Access#PUBLIC}; an unknown path is refused here too, so nothing about
 * the API is revealed without a key.
 */
final class Authenticator {
    private static final String ATTRIBUTE = "strata.api-key";

    private final ApiKeys keys;
    private final List<ApiEndpoint> publicEndpoints;

    Authenticator(ApiKeys keys, List<ApiEndpoint> endpoints) {
        this.keys = keys;
        this.publicEndpoints = endpoints.stream().filter(e -> e.access() == Access.PUBLIC).toList();
    }

    /** The key that authenticated the request. */
    static ApiKey key(Context ctx) {
        ApiKey key = ctx.attribute(ATTRIBUTE);
        if (key == null) {
            throw new StrataException(ErrorCode.UNAUTHORIZED, "This request carries no valid API key");
        }
        return key;
    }

    boolean isPublic(Context ctx) {
        String method = "HEAD".equals(ctx.method().name()) ? "GET" : ctx.method().name();
        String path = ctx.path().length() > 1 ? ctx.path().replaceAll("/+$", "") : ctx.path();
        return publicEndpoints.stream().anyMatch(e -> e.method().name().equals(method)
                && ErrorResponses.pattern(e.path()).matcher(path).matches());
    }

    void authenticate(Context ctx) {
        if (isPublic(ctx) || ConsoleAssets.isPublic(ctx)) { // the web console's static files carry no secrets
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new StrataException(ErrorCode.UNAUTHORIZED,
                    "An API key is required: send 'Authorization: Bearer <key>' (the admin key is in <data-dir>/admin-key; "
                            + "'strata keys reset-admin' makes a new one)");
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw new StrataException(ErrorCode.UNAUTHORIZED, "Only bearer API keys are accepted: 'Authorization: Bearer <key>'");
        }
        ApiKey key = keys.authenticate(h.substring(7).strip()).orElseThrow(() ->
                new StrataException(ErrorCode.UNAUTHORIZED, "The API key is unknown, revoked or expired, or its tenant is decommissioned"));
        ctx.attribute(ATTRIBUTE, key);
    }
}
