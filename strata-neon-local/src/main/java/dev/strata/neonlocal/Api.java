package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The HTTP face of the stand-in: Neon's paths under {@code /api/v2}, bearer-key authentication, the
 * rate limits (429 with {@code Retry-After}), and errors in Neon's {@code GeneralError} shape.
 * Thread-safe.
 */
final class Api {
    private static final Logger LOG = LoggerFactory.getLogger(Api.class);
    static final String PREFIX = "/api/v2";

    private interface Handler {
        Object handle(Matcher path, Map<String, String> query, JsonNode body) throws Exception;
    }

    private record Route(String method, Pattern path, int status, Handler handler) {
    }

    private final ObjectMapper json;
    private final Projects projects;
    private final Operations operations;
    private final RateLimit limit;
    private final Faults faults;
    private final byte[] apiKey;
    private final List<Route> routes = new ArrayList<>();
    private final java.util.Deque<Exchange> exchanges = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private final java.util.concurrent.atomic.AtomicInteger exchangeCount = new java.util.concurrent.atomic.AtomicInteger();

    Api(ObjectMapper json, Projects projects, Operations operations, RateLimit limit, Faults faults, String apiKey) {
        this.json = json;
        this.projects = projects;
        this.operations = operations;
        this.limit = limit;
        this.faults = faults;
        this.apiKey = apiKey.getBytes(StandardCharsets.UTF_8);
        String id = "([a-z0-9-]{1,60})";
        String name = "([^/]+)";
        route("GET", "/projects", 200, (m, q, b) -> {
            ObjectNode out = list("projects", projects.listProjects());
            out.putObject("applications");
            out.putObject("integrations");
            return out;
        });
        route("POST", "/projects", 201, (m, q, b) -> projects.createProject(b));
        route("GET", "/projects/" + id, 200, (m, q, b) -> projects.getProject(m.group(1)));
        route("DELETE", "/projects/" + id, 200, (m, q, b) -> projects.deleteProject(m.group(1)));
        route("PATCH", "/projects/" + id, 200, (m, q, b) -> projects.updateProject(m.group(1), b));
        route("GET", "/projects/" + id + "/operations", 200, (m, q, b) -> {
            return list("operations", operations.list(m.group(1)));
        });
        route("GET", "/projects/" + id + "/operations/" + name, 200,
                (m, q, b) -> json.createObjectNode().set("operation", operations.get(m.group(1), m.group(2))));
        route("GET", "/projects/" + id + "/connection_uri", 200, (m, q, b) -> json.createObjectNode().put("uri",
                projects.connectionUri(m.group(1), q.get("branch_id"), q.get("endpoint_id"), q.get("database_name"),
                        q.get("role_name"), Boolean.parseBoolean(q.getOrDefault("pooled", "false")))));
        route("GET", "/projects/" + id + "/branches/count", 200,
                (m, q, b) -> json.createObjectNode().put("count", projects.listBranches(m.group(1)).size()));
        route("GET", "/projects/" + id + "/branches", 200, (m, q, b) -> {
            ObjectNode out = list("branches", projects.listBranches(m.group(1)));
            out.putObject("annotations");
            out.putObject("pagination").put("sort_by", "updated_at").put("sort_order", "desc");
            return out;
        });
        route("POST", "/projects/" + id + "/branches", 201, (m, q, b) -> projects.createBranch(m.group(1), b));
        route("GET", "/projects/" + id + "/branches/" + id, 200, (m, q, b) -> {
            ObjectNode out = projects.getBranch(m.group(1), m.group(2));
            ObjectNode annotation = out.putObject("annotation");
            annotation.putObject("object").put("type", "console/branch").put("id", m.group(2));
            annotation.putObject("value");
            return out;
        });
        route("DELETE", "/projects/" + id + "/branches/" + id, 200, (m, q, b) -> projects.deleteBranch(m.group(1), m.group(2)));
        route("POST", "/projects/" + id + "/branches/" + id + "/restore", 200,
                (m, q, b) -> projects.restoreBranch(m.group(1), m.group(2), b));
        route("GET", "/projects/" + id + "/branches/" + id + "/endpoints", 200,
                (m, q, b) -> list("endpoints", projects.listEndpoints(m.group(1), m.group(2))));
        route("GET", "/projects/" + id + "/branches/" + id + "/roles", 200,
                (m, q, b) -> list("roles", projects.listRoles(m.group(1), m.group(2))));
        route("POST", "/projects/" + id + "/branches/" + id + "/roles", 201,
                (m, q, b) -> projects.createRole(m.group(1), m.group(2), b));
        route("GET", "/projects/" + id + "/branches/" + id + "/roles/" + name + "/reveal_password", 200,
                (m, q, b) -> json.createObjectNode().put("password", projects.revealPassword(m.group(1), m.group(2), m.group(3))));
        route("GET", "/projects/" + id + "/branches/" + id + "/databases", 200,
                (m, q, b) -> list("databases", projects.listDatabases(m.group(1), m.group(2))));
        route("POST", "/projects/" + id + "/branches/" + id + "/databases", 201,
                (m, q, b) -> projects.createDatabase(m.group(1), m.group(2), b));
        route("GET", "/projects/" + id + "/endpoints", 200, (m, q, b) -> list("endpoints", projects.listEndpoints(m.group(1), null)));
        route("POST", "/projects/" + id + "/endpoints", 201, (m, q, b) -> projects.createEndpoint(m.group(1), b));
        route("GET", "/projects/" + id + "/endpoints/" + id, 200, (m, q, b) -> projects.getEndpoint(m.group(1), m.group(2)));
        route("POST", "/projects/" + id + "/endpoints/" + id + "/start", 200, (m, q, b) -> projects.startEndpoint(m.group(1), m.group(2)));
        route("POST", "/projects/" + id + "/endpoints/" + id + "/suspend", 200,
                (m, q, b) -> projects.suspendEndpoint(m.group(1), m.group(2)));
    }

    private void route(String method, String path, int status, Handler handler) {
        routes.add(new Route(method, Pattern.compile(PREFIX + path), status, handler));
    }

    private ObjectNode list(String field, List<ObjectNode> items) {
        ObjectNode out = json.createObjectNode();
        ArrayNode array = out.putArray(field);
        items.forEach(array::add);
        return out;
    }

    void handle(HttpExchange exchange) throws IOException {
        JsonNode[] requestBody = {json.createObjectNode()};
        String requestId = exchange.getRequestHeaders().getFirst("X-Request-ID");
        if (requestId == null || requestId.isBlank()) {
            requestId = UUID.randomUUID().toString();
        }
        try {
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                throw new ApiError(401, "", "authentication required: send 'Authorization: Bearer <api key>'");
            }
            if (faults.takeThrottled()) {
                throw new ApiError(429, "", "too many requests", 1);
            }
            long wait = limit.admit(System.currentTimeMillis());
            if (wait > 0) {
                throw new ApiError(429, "", "rate limit exceeded", wait);
            }
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            boolean pathKnown = false;
            for (Route route : routes) {
                Matcher m = route.path().matcher(path);
                if (!m.matches()) {
                    continue;
                }
                pathKnown = true;
                if (!route.method().equals(method)) {
                    continue;
                }
                JsonNode body = readBody(exchange, method);
                requestBody[0] = body;
                Object result = route.handler().handle(m, query(exchange.getRequestURI().getRawQuery()), body);
                JsonNode answer = strip((JsonNode) result);
                record(exchange, requestBody[0], route.status(), answer);
                respond(exchange, route.status(), answer, requestId, 0);
                return;
            }
            throw pathKnown ? new ApiError(405, "", "method " + method + " is not allowed here")
                    : new ApiError(404, "", "no such API path: " + path);
        } catch (ApiError e) {
            ObjectNode error = Shapes.error(json, e.code, e.getMessage(), requestId);
            record(exchange, requestBody[0], e.status, error);
            respond(exchange, e.status, error, requestId, e.retryAfterSeconds);
        } catch (Exception e) {
            LOG.warn("neon-local failed a request: {}", e.toString());
            ObjectNode error = Shapes.error(json, "", "internal error: " + e.getMessage(), requestId);
            record(exchange, requestBody[0], 500, error);
            respond(exchange, 500, error, requestId, 0);
        }
    }

    private void record(HttpExchange exchange, JsonNode request, int status, JsonNode response) {
        String path = exchange.getRequestURI().getRawPath();
        exchanges.addLast(new Exchange(exchange.getRequestMethod(), path.substring(Math.min(PREFIX.length(), path.length())),
                request.deepCopy(), status, response.deepCopy()));
        if (exchangeCount.incrementAndGet() > 10_000) {
            exchanges.pollFirst();
            exchangeCount.decrementAndGet();
        }
    }

    /** The last 10,000 calls answered, oldest first. */
    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    private boolean authorized(String header) {
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8), apiKey);
    }

    private JsonNode readBody(HttpExchange exchange, String method) throws IOException {
        if (method.equals("GET") || method.equals("DELETE")) {
            return json.createObjectNode();
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(1 << 20);
            if (bytes.length == 0) {
                return json.createObjectNode();
            }
            try {
                JsonNode node = json.readTree(bytes);
                if (!node.isObject()) {
                    throw ApiError.bad("the request body must be a JSON object");
                }
                return node;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw ApiError.bad("the request body is not valid JSON: " + e.getOriginalMessage());
            }
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Removes the stand-in's own {@code x_} fields from an answer. */
    private static JsonNode strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
                if (it.next().startsWith("x_")) {
                    it.remove();
                }
            }
            o.forEach(Api::strip);
        } else if (node instanceof ArrayNode a) {
            a.forEach(Api::strip);
        }
        return node;
    }

    private void respond(HttpExchange exchange, int status, JsonNode body, String requestId, long retryAfter) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("X-Request-ID", requestId);
        if (retryAfter > 0) {
            exchange.getResponseHeaders().set("Retry-After", Long.toString(retryAfter));
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
