package dev.strata.server.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One operation of the REST API: method, path (Javalin syntax, which for {@code {name}}
 * parameters is also OpenAPI's), who may call it, and handler. The OpenAPI document lists exactly
 * these. An endpoint without an {@link Access} rule is a programming error that
 * {@link ApiServer#start} refuses (fail closed).
 */
public record ApiEndpoint(HandlerType method, String path, Access access, Handler handler) {

    /** An endpoint that declares no access rule yet: {@link ApiServer} will not start with it. */
    public ApiEndpoint(HandlerType method, String path, Handler handler) {
        this(method, path, null, handler);
    }

    /** {@code "GET /v1/tenants"}. */
    public String name() {
        return method.name() + " " + path;
    }
}
