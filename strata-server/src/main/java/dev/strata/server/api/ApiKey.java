package dev.strata.server.api;

import java.util.UUID;

/**
 * An API key as the server knows it once a request presented it: its id and name, never the
 * secret. Changes made with it are recorded as done by {@link #actor()}.
 */
public record ApiKey(UUID id, String name) {

    /** The actor recorded in tenant histories: {@code api-key:<name>}. */
    public String actor() {
        return "api-key:" + name;
    }
}
