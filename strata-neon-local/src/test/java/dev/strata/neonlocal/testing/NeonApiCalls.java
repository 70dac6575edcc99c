package dev.strata.neonlocal.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/** A plain HTTP caller of a Neon API (the stand-in), for tests: no retries, no waiting unless asked. */
public final class NeonApiCalls {
    /** One answer. */
    public record Answer(int status, JsonNode body, HttpResponse<String> raw) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final String key;

    public NeonApiCalls(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    public Answer get(String path) {
        return send("GET", path, null);
    }

    public Answer delete(String path) {
        return send("DELETE", path, null);
    }

    public Answer post(String path, String body) {
        return send("POST", path, body);
    }

    public Answer send(String method, String path, String body) {
        return sendWithKey(method, path, body, key);
    }

    public Answer sendWithKey(String method, String path, String body, String apiKey) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (apiKey != null) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(r.body()), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Polls every operation of an answer until it has finished (fails the test on failure or after 60 s). */
    public void awaitOperations(String projectId, JsonNode answer) {
        for (JsonNode op : answer.path("operations")) {
            Instant deadline = Instant.now().plusSeconds(60);
            while (true) {
                Answer a = get("/projects/" + projectId + "/operations/" + op.path("id").asText());
                String status = a.body().path("operation").path("status").asText();
                if (status.equals("finished")) {
                    break;
                }
                if (!status.equals("running") && !status.equals("scheduling")) {
                    throw new AssertionError("operation " + op.path("action").asText() + " ended " + status + ": "
                            + a.body().path("operation").path("error").asText());
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("operation " + op.path("action").asText() + " did not finish in 60 s");
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
