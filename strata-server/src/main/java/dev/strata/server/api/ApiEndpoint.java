package dev.strata.server.api;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One operation of the REST API: method, path (Javalin syntax, which for {@code {name}}
 * parameters is also OpenAPI's) and handler. The OpenAPI document lists exactly these.
 */
public record ApiEndpoint(HandlerType method, String path, Handler handler) {
}
