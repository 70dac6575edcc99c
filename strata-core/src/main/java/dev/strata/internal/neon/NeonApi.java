package dev.strata.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.StrataException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client of Neon's API v2 that a Neon plane uses, built from Neon's published definition (its
 * paths, request bodies, answers and asynchronous operations).
 *
 * <p>Every call: waits for its turn under the account's rate limits (700 a minute, 40 a second);
 * on 429 waits the {@code Retry-After} and tries again; on 423 (the project is running another
 * operation: Neon serialises them per project) backs off and tries again; on a transport failure or
 * a 5xx retries a read, never a write whose effect is unknown; all within {@link #retryBound}.
 * Mutating calls return once the operations they started have finished (polled, within
 * {@link #operationBound}). Failures are {@link ErrorCode#DATA_PLANE_FAILED} naming the Neon
 * operation, its HTTP status, Neon's message and request id. The API key is never logged.
 * Thread-safe.
 */
public final class NeonApi {
    private static final Logger LOG = LoggerFactory.getLogger(NeonApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final NeonAccount account;
    private final HttpClient http;
    private final NeonRateLimit limit;
    private final Duration retryBound;
    private final Duration operationBound;

    public NeonApi(NeonAccount account) {
        this(account, Duration.ofMinutes(2), Duration.ofMinutes(5), 700, 40);
    }

    public NeonApi(NeonAccount account, Duration retryBound, Duration operationBound, int perMinute, int perSecond) {
        this.account = account;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.limit = new NeonRateLimit(perMinute, perSecond);
        this.retryBound = retryBound;
        this.operationBound = operationBound;
    }

    public NeonAccount account() {
        return account;
    }

    // ---- typed calls ------------------------------------------------------------------------

    /** Creates a project (its default branch {@code main}, database and owner role) and waits until it is ready. */
    public NeonProject createProject(String name, String regionId, String databaseName, String roleName) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode project = body.putObject("project").put("name", name);
        if (regionId != null) {
            project.put("region_id", regionId);
        }
        project.putObject("branch").put("database_name", databaseName).put("role_name", roleName);
        JsonNode answer = call("createProject", "POST", "/projects", body);
        String projectId = answer.path("project").path("id").asText();
        awaitOperations("createProject", projectId, answer);
        String password = null;
        for (JsonNode role : answer.path("roles")) {
            if (role.path("name").asText().equals(roleName)) {
                password = role.path("password").asText(null);
            }
        }
        if (password == null) {
            password = revealPassword(projectId, answer.path("branch").path("id").asText(), roleName);
        }
        return new NeonProject(projectId, answer.path("branch").path("id").asText(),
                answer.path("endpoints").path(0).path("id").asText(null), databaseName, roleName, password);
    }

    /**
     * The account's projects whose name contains {@code search} ({@code null} for all), as Neon
     * lists them (id, name, region_id, ...), every page.
     */
    public List<JsonNode> listProjects(String search) {
        List<JsonNode> out = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 100; page++) {
            String query = "?limit=400" + (search == null ? "" : "&search=" + enc(search))
                    + (cursor == null ? "" : "&cursor=" + enc(cursor));
            JsonNode answer = call("listProjects", "GET", "/projects" + query, null);
            int before = out.size();
            answer.path("projects").forEach(out::add);
            String next = answer.path("pagination").path("cursor").asText(null);
            if (next == null || next.isEmpty() || next.equals(cursor) || out.size() == before || answer.path("projects").size() < 400) {
                break;
            }
            cursor = next;
        }
        return out;
    }

    /** The project, if it exists. */
    public Optional<JsonNode> getProject(String projectId) {
        return find("getProject", "/projects/" + seg(projectId)).map(a -> a.path("project"));
    }

    /** Deletes a project and everything in it; nothing if it is already gone. */
    public void deleteProject(String projectId) {
        callAllowingMissing("deleteProject", "DELETE", "/projects/" + seg(projectId), null);
    }

    /**
     * Creates a branch of {@code parentId} (its head, or its state at {@code parentTimestamp}) with
     * a read-write endpoint, and waits until both are ready.
     */
    public NeonBranch createBranch(String projectId, String parentId, String name, Instant parentTimestamp) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode branch = body.putObject("branch").put("name", name);
        if (parentId != null) {
            branch.put("parent_id", parentId);
        }
        if (parentTimestamp != null) {
            branch.put("parent_timestamp", parentTimestamp.toString());
        }
        body.putArray("endpoints").addObject().put("type", "read_write");
        JsonNode answer = call("createProjectBranch", "POST", "/projects/" + seg(projectId) + "/branches", body);
        awaitOperations("createProjectBranch", projectId, answer);
        JsonNode b = answer.path("branch");
        return new NeonBranch(projectId, b.path("id").asText(), b.path("name").asText(), b.path("parent_id").asText(null),
                b.path("default").asBoolean(false), answer.path("endpoints").path(0).path("id").asText(null));
    }

    /** The project's branches with their read-write endpoints. */
    public List<NeonBranch> listBranches(String projectId) {
        JsonNode answer = call("listProjectBranches", "GET", "/projects/" + seg(projectId) + "/branches", null);
        JsonNode endpoints = call("listProjectEndpoints", "GET", "/projects/" + seg(projectId) + "/endpoints", null);
        List<NeonBranch> out = new ArrayList<>();
        for (JsonNode b : answer.path("branches")) {
            String endpoint = null;
            for (JsonNode e : endpoints.path("endpoints")) {
                if (e.path("branch_id").asText().equals(b.path("id").asText()) && e.path("type").asText().equals("read_write")) {
                    endpoint = e.path("id").asText();
                }
            }
            out.add(new NeonBranch(projectId, b.path("id").asText(), b.path("name").asText(), b.path("parent_id").asText(null),
                    b.path("default").asBoolean(false), endpoint));
        }
        return out;
    }

    /** How many branches the project has. */
    public int countBranches(String projectId) {
        return call("countProjectBranches", "GET", "/projects/" + seg(projectId) + "/branches/count", null).path("count").asInt();
    }

    /** Deletes a branch and its endpoints; nothing if it is already gone. */
    public void deleteBranch(String projectId, String branchId) {
        JsonNode answer = callAllowingMissing("deleteProjectBranch", "DELETE",
                "/projects/" + seg(projectId) + "/branches/" + seg(branchId), null);
        if (answer != null) {
            awaitOperations("deleteProjectBranch", projectId, answer);
        }
    }

    /**
     * Restores a branch to {@code sourceBranchId}'s state at {@code timestamp} (its head if
     * {@code null}), keeping the branch's previous state as a branch named {@code preserveAs} if
     * given, and waits until it is done.
     */
    public void restoreBranch(String projectId, String branchId, String sourceBranchId, Instant timestamp, String preserveAs) {
        ObjectNode body = JSON.createObjectNode().put("source_branch_id", sourceBranchId);
        if (timestamp != null) {
            body.put("source_timestamp", timestamp.toString());
        }
        if (preserveAs != null) {
            body.put("preserve_under_name", preserveAs);
        }
        JsonNode answer = call("restoreProjectBranch", "POST",
                "/projects/" + seg(projectId) + "/branches/" + seg(branchId) + "/restore", body);
        awaitOperations("restoreProjectBranch", projectId, answer);
    }

    /** Creates a login role on a branch and returns its password. */
    public String createRole(String projectId, String branchId, String roleName) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("role").put("name", roleName);
        JsonNode answer = call("createProjectBranchRole", "POST",
                "/projects/" + seg(projectId) + "/branches/" + seg(branchId) + "/roles", body);
        awaitOperations("createProjectBranchRole", projectId, answer);
        String password = answer.path("role").path("password").asText(null);
        return password != null ? password : revealPassword(projectId, branchId, roleName);
    }

    /** A role's password. */
    public String revealPassword(String projectId, String branchId, String roleName) {
        return call("getProjectBranchRolePassword", "GET", "/projects/" + seg(projectId) + "/branches/" + seg(branchId)
                + "/roles/" + seg(roleName) + "/reveal_password", null).path("password").asText();
    }

    /** The connection URI of a database on a branch as a role, direct or through Neon's pooler. */
    public URI connectionUri(String projectId, String branchId, String databaseName, String roleName, boolean pooled) {
        String query = "?branch_id=" + enc(branchId) + "&database_name=" + enc(databaseName) + "&role_name=" + enc(roleName)
                + "&pooled=" + pooled;
        return URI.create(call("getConnectionURI", "GET", "/projects/" + seg(projectId) + "/connection_uri" + query, null)
                .path("uri").asText());
    }

    /** Suspends an endpoint's compute (it scales to zero) and waits until it has. */
    public void suspendEndpoint(String projectId, String endpointId) {
        JsonNode answer = call("suspendProjectEndpoint", "POST",
                "/projects/" + seg(projectId) + "/endpoints/" + seg(endpointId) + "/suspend", null);
        awaitOperations("suspendProjectEndpoint", projectId, answer);
    }

    /** An endpoint as Neon shows it (state, started_at, suspended_at, ...). */
    public JsonNode getEndpoint(String projectId, String endpointId) {
        return call("getProjectEndpoint", "GET", "/projects/" + seg(projectId) + "/endpoints/" + seg(endpointId), null)
                .path("endpoint");
    }

    // ---- the HTTP machinery -----------------------------------------------------------------

    /** Polls every operation of an answer until it finished (or was skipped), within the operation bound. */
    void awaitOperations(String call, String projectId, JsonNode answer) {
        Instant deadline = Instant.now().plus(operationBound);
        for (JsonNode op : answer.path("operations")) {
            String id = op.path("id").asText();
            String status = op.path("status").asText();
            long pause = 50;
            while (!status.equals("finished") && !status.equals("skipped")) {
                if (status.equals("failed") || status.equals("error") || status.equals("cancelled")
                        || status.equals("cancelling")) {
                    throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon " + call + ": its operation "
                            + op.path("action").asText() + " (" + id + ") ended " + status
                            + (op.hasNonNull("error") ? ": " + op.path("error").asText() : ""));
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon " + call + ": its operation "
                            + op.path("action").asText() + " (" + id + ") did not finish within " + operationBound.toSeconds()
                            + " s (still " + status + ")");
                }
                sleep(pause);
                pause = Math.min(1_000, pause * 2);
                op = call("getProjectOperation", "GET", "/projects/" + seg(projectId) + "/operations/" + seg(id), null)
                        .path("operation");
                status = op.path("status").asText();
            }
        }
    }

    private Optional<JsonNode> find(String operation, String path) {
        return Optional.ofNullable(callAllowingMissing(operation, "GET", path, null));
    }

    private JsonNode callAllowingMissing(String operation, String method, String path, JsonNode body) {
        Answer a = exchange(operation, method, path, body);
        if (a.status == 404) {
            return null;
        }
        return a.require(operation, method, path);
    }

    JsonNode call(String operation, String method, String path, JsonNode body) {
        return exchange(operation, method, path, body).require(operation, method, path);
    }

    private record Answer(int status, JsonNode body, String requestId) {
        JsonNode require(String operation, String method, String path) {
            if (status >= 200 && status < 300) {
                return body;
            }
            String message = body.path("message").asText("");
            String code = body.path("code").asText("");
            throw new NeonCallException(status, code, "Neon " + operation + " (" + method + " " + path
                    + ") failed with HTTP " + status + (code.isEmpty() ? "" : " " + code)
                    + (message.isEmpty() ? "" : ": " + message)
                    + (requestId == null ? "" : " (request id " + requestId + ")"));
        }
    }

    private Answer exchange(String operation, String method, String path, JsonNode body) {
        Instant deadline = Instant.now().plus(retryBound);
        long backoff = 200;
        boolean idempotent = method.equals("GET") || method.equals("DELETE");
        while (true) {
            HttpResponse<String> response;
            try {
                limit.acquire();
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(account.apiUrl() + path))
                        .timeout(Duration.ofSeconds(30)).header("Accept", "application/json")
                        .header("Authorization", "Bearer " + account.apiKey());
                if (body != null) {
                    b.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
                } else {
                    b.method(method, HttpRequest.BodyPublishers.noBody());
                }
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (idempotent && Instant.now().isBefore(deadline)) {
                    LOG.warn("Neon {} could not be reached ({}); retrying", operation, e.toString());
                    sleep(backoff);
                    backoff = Math.min(5_000, backoff * 2);
                    continue;
                }
                throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon " + operation + " (" + method + " " + path
                        + "): the API at " + account.apiUrl() + " cannot be reached: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon " + operation + " was interrupted", e);
            }
            int status = response.statusCode();
            String requestId = response.headers().firstValue("X-Request-ID").orElse(null);
            JsonNode json = parse(response.body());
            boolean retry = false;
            long wait = backoff;
            if (status == 429) {
                long seconds = response.headers().firstValue("Retry-After").map(NeonApi::seconds).orElse(1L);
                limit.pause(seconds);
                wait = seconds * 1000;
                retry = true;
            } else if (status == 423) {
                retry = true;
            } else if (status >= 500 && idempotent) {
                retry = true;
            }
            if (retry && Instant.now().plusMillis(wait).isBefore(deadline)) {
                LOG.info("Neon {} answered {}; trying again in {} ms", operation, status, wait);
                sleep(wait);
                backoff = Math.min(5_000, backoff * 2);
                continue;
            }
            if (retry) {
                String why = status == 429 ? "the API's rate limit did not clear" : status == 423
                        ? "the project stayed busy with other operations" : "the API kept failing";
                throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Neon " + operation + " (" + method + " " + path
                        + "): " + why + " for " + retryBound.toSeconds() + " s (last answer HTTP " + status
                        + (json.hasNonNull("message") ? ": " + json.path("message").asText() : "") + ")");
            }
            return new Answer(status, json, requestId);
        }
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode().put("message", body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(1, Math.min(120, Long.parseLong(retryAfter.strip())));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static String seg(String pathSegment) {
        if (pathSegment == null || pathSegment.isEmpty() || pathSegment.contains("/")) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "'" + pathSegment + "' is not a valid Neon identifier");
        }
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "interrupted while waiting for Neon", e);
        }
    }
}
