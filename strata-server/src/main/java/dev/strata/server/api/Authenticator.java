package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.StrataException;
import io.javalin.http.Context;

import java.util.Locale;

/**
 * Admits a request only with {@code Authorization: Bearer <key>} naming a live API key. Runs before
 * every request except the liveness probe {@code GET /health}, which carries no secrets; an
 * unknown path is refused here too, so nothing about the API is revealed without a key.
 */
final class Authenticator {
    private static final String ATTRIBUTE = "strata.api-key";

    private final ApiKeys keys;

    Authenticator(ApiKeys keys) {
        this.keys = keys;
    }

    /** The key that authenticated the request. */
    static ApiKey key(Context ctx) {
        ApiKey key = ctx.attribute(ATTRIBUTE);
        if (key == null) {
            throw new StrataException(ErrorCode.UNAUTHORIZED, "This request carries no valid API key");
        }
        return key;
    }

    static boolean isPublic(Context ctx) {
        String path = ctx.path().replaceAll("/+$", "");
        return path.equals(HealthRoute.PATH) && ("GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name()));
    }

    void authenticate(Context ctx) {
        if (isPublic(ctx) || ConsoleAssets.isPublic(ctx)) { // the web console's static files carry no secrets
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw new StrataException(ErrorCode.UNAUTHORIZED,
                    "An API key is required: send 'Authorization: Bearer <key>' (the admin key is in <data-dir>/admin-key)");
        }
        String h = header.strip();
        if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            throw new StrataException(ErrorCode.UNAUTHORIZED, "Only bearer API keys are accepted: 'Authorization: Bearer <key>'");
        }
        ApiKey key = keys.authenticate(h.substring(7).strip()).orElseThrow(() ->
                new StrataException(ErrorCode.UNAUTHORIZED, "The API key is unknown or revoked"));
        ctx.attribute(ATTRIBUTE, key);
    }
}
