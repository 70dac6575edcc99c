package dev.strata.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.server.runtime.ClientJson;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A client of the Strata REST API for the admin commands: sends the API key, turns problem answers
 * into {@link CliFailure}s carrying the error code's exit code, and an unreachable server into a
 * clear message. Bodies and archives are streamed, never held in memory whole.
 *
 * <p>Requests go through {@link HttpURLConnection}, which a short-lived command starts far faster
 * than {@code java.net.http.HttpClient} (no selector thread, no TLS classes for {@code http://});
 * only uploads of unknown size go through {@link StreamedUpload}.
 */
final class ApiClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final URI base;
    private final String key;

    ApiClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** An answer: its status, its content type ({@code ""} if none) and its body (the error body for a failure). */
    record Answer(int status, String contentType, InputStream body) {
    }

    /** A path segment with the user's text encoded. */
    static String segment(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** A query string from the non-null values ({@code ""} if none). */
    static String query(Map<String, String> parameters) {
        StringJoiner joiner = new StringJoiner("&", "?", "");
        joiner.setEmptyValue("");
        parameters.forEach((name, value) -> {
            if (value != null) {
                joiner.add(segment(name) + "=" + segment(value));
            }
        });
        return joiner.toString();
    }

    JsonNode get(String path) {
        return json(exchange("GET", path, null, null));
    }

    JsonNode post(String path, ObjectNode body) {
        byte[] bytes = body == null ? new byte[0] : ClientJson.compact(body).getBytes(StandardCharsets.UTF_8);
        return json(exchange("POST", path, bytes, null));
    }

    /**
     * Posts a JSON body and hands each line of a newline-delimited JSON answer to {@code lines} as it
     * arrives (a problem answer becomes a {@link CliFailure} as usual). Returns the number of lines.
     */
    long postLines(String path, ObjectNode body, java.util.function.Consumer<JsonNode> lines) {
        byte[] bytes = ClientJson.compact(body).getBytes(StandardCharsets.UTF_8);
        Answer response = exchange("POST", path, bytes, "application/x-ndjson, application/json");
        try (InputStream in = response.body()) {
            if (response.status() != 200) {
                throw failure(response.status(), in.readNBytes(64 * 1024), response.contentType());
            }
            java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            long n = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isBlank()) {
                    lines.accept(ClientJson.read(line));
                    n++;
                }
            }
            return n;
        } catch (IOException e) {
            throw new CliFailure(CliFailure.GENERAL, "the answer from " + base + path + " broke off: " + e.getMessage(), e);
        }
    }

    JsonNode put(String path, ObjectNode body) {
        return json(exchange("PUT", path, ClientJson.compact(body).getBytes(StandardCharsets.UTF_8), null));
    }

    JsonNode delete(String path) {
        return json(exchange("DELETE", path, null, null));
    }

    /** Streams a file as the request body. */
    JsonNode upload(String path, Path file, String contentType) {
        return json(new StreamedUpload(this, base, key).file(path, file, contentType));
    }

    /** Streams standard input (or any stream) as the request body; the stream is not closed. */
    JsonNode upload(String path, InputStream body, String contentType) {
        return json(new StreamedUpload(this, base, key).stream(path, body, contentType));
    }

    /** Streams the answer's body to a file (the caller chooses the file and cleans up on failure). */
    long download(String path, Path target) {
        return download(path, out -> Files.copy(out, target));
    }

    /** Streams the answer's body to a stream (flushed, not closed). */
    long download(String path, java.io.OutputStream target) {
        return download(path, in -> {
            long n = in.transferTo(target);
            target.flush();
            return n;
        });
    }

    /** What to do with a successful answer's body. */
    @FunctionalInterface
    private interface BodySink {
        long take(InputStream body) throws IOException;
    }

    private long download(String path, BodySink sink) {
        Answer response = exchange("GET", path, null, null);
        try (InputStream in = response.body()) {
            if (response.status() != 200) {
                throw failure(response.status(), in.readNBytes(64 * 1024), response.contentType());
            }
            return sink.take(in);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.GENERAL, "the download from " + base + path + " broke off: " + e.getMessage(), e);
        }
    }

    /**
     * Sends one request with {@code body} (JSON, or none if null) and returns the answer, whatever its
     * status; {@code accept} replaces the default {@code Accept: application/json} if not null.
     */
    private Answer exchange(String method, String path, byte[] body, String accept) {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) URI.create(base + path).toURL().openConnection(Proxy.NO_PROXY);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.GENERAL, "the request to " + base + " failed: " + e, e);
        }
        try {
            connection.setRequestMethod(method);
            connection.setInstanceFollowRedirects(false);
            connection.setUseCaches(false);
            connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            connection.setRequestProperty("Authorization", "Bearer " + key);
            connection.setRequestProperty("Accept", accept == null ? "application/json" : accept);
            if (body != null) {
                connection.setRequestProperty("Content-Type", "application/json");
                connection.setDoOutput(true);
            }
            try {
                connection.connect();
            } catch (ConnectException | SocketTimeoutException | UnknownHostException | NoRouteToHostException e) {
                throw unreachable(e);
            }
            if (body != null) {
                try (OutputStream out = connection.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = connection.getResponseCode();
            InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
            String contentType = connection.getContentType();
            return new Answer(status, contentType == null ? "" : contentType,
                    in == null ? InputStream.nullInputStream() : in);
        } catch (IOException e) {
            if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
                throw unreachable(e);
            }
            throw new CliFailure(CliFailure.GENERAL, "the request to " + base + " failed: " + e, e);
        }
    }

    CliFailure unreachable(IOException e) {
        return new CliFailure(CliFailure.UNREACHABLE, "cannot reach Strata at " + base + ": is `strata serve` running?", e);
    }

    private JsonNode json(Answer response) {
        byte[] body;
        try (InputStream in = response.body()) {
            body = in.readAllBytes();
        } catch (IOException e) {
            throw new CliFailure(CliFailure.GENERAL, "reading the answer from " + base + " failed: " + e.getMessage(), e);
        }
        if (response.status() >= 300) {
            throw failure(response.status(), body, response.contentType());
        }
        try {
            return ClientJson.read(body);
        } catch (IOException e) {
            throw new CliFailure(CliFailure.GENERAL, base + " answered with something other than JSON: is it Strata?", e);
        }
    }

    private CliFailure failure(int status, byte[] body, String contentType) {
        if (contentType.contains("json")) {
            try {
                JsonNode problem = ClientJson.read(body);
                if (problem.hasNonNull("code") && problem.hasNonNull("detail")) {
                    return CliFailure.fromProblem(problem.get("code").asText(), problem.get("detail").asText());
                }
            } catch (IOException notJson) {
                // fall through to the generic message
            }
        }
        String text = new String(body, StandardCharsets.UTF_8).strip();
        return new CliFailure(CliFailure.GENERAL, "HTTP " + status + " from " + base
                + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "..." : text)));
    }
}
