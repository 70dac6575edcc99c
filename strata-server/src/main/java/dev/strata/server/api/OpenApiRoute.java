package dev.strata.server.api;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Serves the hand-written OpenAPI 3.1 document ({@code openapi.json} in the resources) as is. */
final class OpenApiRoute {
    static final String RESOURCE = "/openapi.json";
    static final String PATH = "/v1/openapi.json";

    private final byte[] document;

    OpenApiRoute() {
        this.document = load();
    }

    static byte[] load() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The OpenAPI document " + RESOURCE + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, PATH, Access.PUBLIC, this::serve));
    }

    private void serve(Context ctx) {
        QueryParameters.of(ctx);
        ctx.contentType("application/json").result(document);
    }
}
