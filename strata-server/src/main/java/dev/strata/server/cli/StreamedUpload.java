package dev.strata.server.cli;

import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * One upload of unknown size (an archive from a file or standard input) for {@link ApiClient},
 * streamed through {@link HttpClient}: {@code HttpURLConnection} in streaming mode cannot hand back
 * a 401 answer, which this server gives with {@code WWW-Authenticate}. In a class of its own so
 * that the other commands load none of {@code java.net.http}. Not thread-safe; use once.
 */
final class StreamedUpload {
    private final ApiClient api;
    private final URI base;
    private final String key;

    StreamedUpload(ApiClient api, URI base, String key) {
        this.api = api;
        this.base = base;
        this.key = key;
    }

    ApiClient.Answer file(String path, Path file, String contentType) {
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = HttpRequest.BodyPublishers.ofFile(file);
        } catch (FileNotFoundException e) {
            throw CliFailure.invalid("cannot read " + file + ": no such file");
        }
        return send(request(path).header("Content-Type", contentType).POST(publisher).build());
    }

    /** Streams {@code body}, which stays open (standard input stays open for the process). */
    ApiClient.Answer stream(String path, InputStream body, String contentType) {
        InputStream unclosed = new FilterInputStream(body) {
            @Override
            public void close() {
                // standard input stays open for the process
            }
        };
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> unclosed)).build());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .header("Accept", "application/json");
    }

    private ApiClient.Answer send(HttpRequest request) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(ApiClient.CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            return new ApiClient.Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw api.unreachable(e);
        } catch (IOException e) {
            if (e.getCause() instanceof ConnectException) {
                throw api.unreachable(e);
            }
            throw new CliFailure(CliFailure.GENERAL, "the request to " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.GENERAL, "interrupted", e);
        }
    }
}
