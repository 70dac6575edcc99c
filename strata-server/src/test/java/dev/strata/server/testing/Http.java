package dev.strata.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.server.api.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A small HTTP client for API tests: requests with or without a key, answers with their JSON. */
public final class Http {
    private final HttpClient client = HttpClient.newHttpClient();
    private final URI base;
    private final String key;

    public Http(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** The same client with another key ({@code null} for none). */
    public Http withKey(String otherKey) {
        return new Http(base, otherKey);
    }

    /** An answer: status, content type, body text and (if it is JSON) the parsed body. */
    public record Answer(int status, String contentType, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            try {
                return Json.mapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("Not JSON: " + body, e);
            }
        }

        /** The body as JSON lines (NDJSON: one JSON value a line; blank lines skipped). */
        public java.util.List<JsonNode> jsonLines() {
            return Http.jsonLines(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + body;
        }
    }

    /** JSON lines (NDJSON, as {@code POST /v1/query} answers and {@code strata query --json} prints): one value a line, blank lines skipped. */
    public static java.util.List<JsonNode> jsonLines(String ndjson) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        for (String line : ndjson.split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(Json.mapper().readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException("Not a JSON line: " + line, e);
                }
            }
        }
        return out;
    }

    /** A GET whose body is bytes (an archive); fails unless the answer is 200. */
    public byte[] getBytes(String path) {
        try {
            HttpResponse<byte[]> r = client.send(builder(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + r.statusCode());
            }
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String path) {
        return send(builder(path).GET());
    }

    public Answer post(String path, String jsonBody) {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)));
    }

    public Answer put(String path, String jsonBody) {
        return send(builder(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)));
    }

    public Answer post(String path, byte[] body, String contentType) {
        return send(builder(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A body of unknown length, sent chunked (no Content-Length). */
    public Answer postChunked(String path, java.io.InputStream body, String contentType) {
        return send(builder(path).header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)));
    }

    public Answer send(String method, String path, String jsonBody) {
        return send(builder(path).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8)));
    }

    public Answer send(String method, String path) {
        return send(builder(path).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private Answer send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
