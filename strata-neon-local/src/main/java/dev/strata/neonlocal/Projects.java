package dev.strata.neonlocal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the stand-in's API does: projects, branches (copies of their parent's databases, with
 * history points for point-in-time requests), endpoints (a {@link Compute} each), roles and
 * databases, each mutating call answered with asynchronous {@link Operations}. Records live in the
 * {@link Store}. Thread-safe: every call holds this object's lock while it reads or changes
 * records; the slow backing work runs later in the project's operation lane.
 *
 * <p>Branch data records (kind {@code branch_data}) hold what Neon's API does not show: the backing
 * database of each Neon database, the branch's role names and its history points (taken when the
 * branch is created, each time its compute suspends after use, and before a restore).
 */
final class Projects implements AutoCloseable {
    private final Store store;
    private final Backing backing;
    private final Shapes shapes;
    private final Operations operations;
    private final Faults faults;
    private final NeonLocalOptions options;
    private final Map<String, ObjectNode> projects;
    private final Map<String, ObjectNode> branches;
    private final Map<String, ObjectNode> branchData;
    private final Map<String, ObjectNode> endpoints;
    private final Map<String, ObjectNode> roleSecrets;
    private final Map<String, Compute> computes = new ConcurrentHashMap<>();

    Projects(Store store, Backing backing, Shapes shapes, Operations operations, Faults faults, NeonLocalOptions options)
            throws IOException {
        this.store = store;
        this.backing = backing;
        this.shapes = shapes;
        this.operations = operations;
        this.faults = faults;
        this.options = options;
        this.projects = store.load("project");
        this.branches = store.load("branch");
        this.branchData = store.load("branch_data");
        this.endpoints = store.load("endpoint");
        this.roleSecrets = store.load("role_secret");
        for (ObjectNode endpoint : endpoints.values()) {
            endpoint.put("current_state", "idle");
            startCompute(endpoint);
        }
    }

    // ---- projects ---------------------------------------------------------------------------

    synchronized ObjectNode createProject(JsonNode request) throws IOException {
        JsonNode p = request.path("project");
        String id = Ids.project();
        String name = text(p, "name", id);
        if (name.isEmpty() || name.length() > 256) {
            throw ApiError.bad("project name must be 1 to 256 characters");
        }
        JsonNode b = p.path("branch");
        String branchName = text(b, "name", "main");
        String databaseName = text(b, "database_name", "neondb");
        String roleName = text(b, "role_name", databaseName + "_owner");
        requireName(databaseName, "database");
        requireName(roleName, "role");
        ObjectNode project = shapes.project(id, name, p.path("pg_version").asInt(17));
        boolean logical = p.path("settings").path("enable_logical_replication").asBoolean(false);
        if (logical) {
            requireLogicalBacking();
            ((ObjectNode) project.path("settings")).put("enable_logical_replication", true);
        }
        projects.put(id, project);
        store.save("project", id, project);

        String branchId = Ids.branch();
        ObjectNode branch = shapes.branch(branchId, id, branchName, null, true);
        putBranch(branch, newBranchData(branchId));
        ObjectNode role = addRoleRecord(id, branchId, roleName);
        String password = roleSecrets.get(secretKey(id, roleName)).path("password").asText();
        ObjectNode database = addDatabaseRecord(branchId, databaseName, roleName);
        ObjectNode endpoint = addEndpoint(id, branchId, false);

        List<ObjectNode> ops = List.of(shapes.operation(id, branchId, null, "create_timeline"),
                shapes.operation(id, branchId, endpoint.path("id").asText(), "start_compute"));
        String backingRole = backingRole(id, roleName);
        String backingDb = backingDatabase(branchId, databaseName);
        ArrayNode opsJson = operations.submit(id, ops, () -> {
            backing.createRole(backingRole, password, logical);
            backing.grantToAdmin(backingRole);
            backing.createDatabase(backingDb, backingRole);
            markReady(branchId);
            computes.get(endpoint.path("id").asText()).start();
            recordHistoryPoint(branchId);
        });
        ObjectNode out = shapes.object();
        out.set("project", project.deepCopy());
        ArrayNode uris = out.putArray("connection_uris");
        uris.add(connectionDetails(endpoint, databaseName, roleName, password));
        out.putArray("roles").add(withPassword(role, password));
        out.putArray("databases").add(database.deepCopy());
        out.set("operations", opsJson);
        out.set("branch", branch.deepCopy());
        out.putArray("endpoints").add(endpoint.deepCopy());
        return out;
    }

    /**
     * Neon's {@code updateProject}: its name, and {@code settings.enable_logical_replication}, which
     * Neon applies by restarting the project's computes with {@code wal_level=logical} and which
     * cannot be turned off again. Here the backing server must run with {@code wal_level=logical}
     * already; enabling gives the project's roles {@code REPLICATION} and suspends its computes.
     */
    synchronized ObjectNode updateProject(String id, JsonNode request) throws IOException {
        ObjectNode project = project(id);
        JsonNode p = request.path("project");
        JsonNode logical = p.path("settings").path("enable_logical_replication");
        boolean enabled = project.path("settings").path("enable_logical_replication").asBoolean(false);
        if (logical.isBoolean() && !logical.asBoolean() && enabled) {
            throw ApiError.bad("logical replication cannot be disabled once it is enabled");
        }
        boolean enabling = logical.asBoolean(false) && !enabled;
        if (enabling) {
            requireLogicalBacking();
        }
        operations.requireIdle(id);
        if (p.has("name")) {
            String name = p.path("name").asText();
            if (name.isEmpty() || name.length() > 256) {
                throw ApiError.bad("project name must be 1 to 256 characters");
            }
            project.put("name", name);
        }
        ArrayNode ops = shapes.array();
        if (enabling) {
            ((ObjectNode) project.path("settings")).put("enable_logical_replication", true);
            List<String> roles = new ArrayList<>();
            for (Map.Entry<String, ObjectNode> e : roleSecrets.entrySet()) {
                if (e.getKey().startsWith(id + "/")) {
                    roles.add(e.getValue().path("backing").asText());
                }
            }
            List<ObjectNode> restarts = new ArrayList<>();
            List<Compute> suspended = new ArrayList<>();
            for (ObjectNode endpoint : endpoints.values()) {
                if (endpoint.path("project_id").asText().equals(id)) {
                    restarts.add(shapes.operation(id, endpoint.path("branch_id").asText(), endpoint.path("id").asText(),
                            "apply_config"));
                    Compute compute = computes.get(endpoint.path("id").asText());
                    if (compute != null) {
                        suspended.add(compute);
                    }
                }
            }
            ops = operations.submit(id, restarts, () -> {
                backing.allowReplication(roles);
                suspended.forEach(Compute::suspend);
            });
        }
        project.put("updated_at", Shapes.now());
        store.save("project", id, project);
        ObjectNode out = shapes.object();
        out.set("project", project.deepCopy());
        out.set("operations", ops);
        return out;
    }

    /** Logical replication needs a backing server with {@code wal_level=logical} (neon-local cannot change it per project). */
    private void requireLogicalBacking() {
        String level;
        try {
            level = backing.walLevel();
        } catch (java.sql.SQLException e) {
            throw new ApiError(503, "", "the backing server cannot be reached: " + e.getMessage());
        }
        if (!"logical".equals(level)) {
            throw new ApiError(422, "", "neon-local's backing server runs with wal_level=" + level
                    + ": logical replication needs wal_level=logical there (set it and restart the server)");
        }
    }

    synchronized ObjectNode getProject(String id) {
        return shapes.object().set("project", project(id).deepCopy());
    }

    synchronized List<ObjectNode> listProjects() {
        return projects.values().stream().map(ObjectNode::deepCopy).toList();
    }

    synchronized ObjectNode deleteProject(String id) {
        ObjectNode project = project(id);
        List<String> databases = new ArrayList<>();
        for (ObjectNode branch : branchesOf(id)) {
            String branchId = branch.path("id").asText();
            databases.addAll(backingDatabases(branchId));
            forgetBranch(branchId);
        }
        List<String> roles = new ArrayList<>();
        for (Iterator<Map.Entry<String, ObjectNode>> it = roleSecrets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ObjectNode> e = it.next();
            if (e.getKey().startsWith(id + "/")) {
                roles.add(e.getValue().path("backing").asText());
                store.delete("role_secret", e.getKey());
                it.remove();
            }
        }
        projects.remove(id);
        store.delete("project", id);
        new Thread(() -> {
            try {
                for (String db : databases) {
                    backing.dropDatabase(db);
                }
                for (String role : roles) {
                    backing.dropRole(role);
                }
            } catch (Exception e) {
                // best effort: the project is gone from the API either way
            }
        }, "neon-local-drop-" + id).start();
        return shapes.object().set("project", project.deepCopy());
    }

    // ---- branches ---------------------------------------------------------------------------

    synchronized ObjectNode createBranch(String projectId, JsonNode request) throws IOException {
        project(projectId);
        operations.requireIdle(projectId);
        JsonNode b = request.path("branch");
        List<ObjectNode> existing = branchesOf(projectId);
        if (existing.size() >= options.branchesPerProject()) {
            throw new ApiError(422, "BRANCHES_LIMIT_EXCEEDED", "the project has reached its limit of "
                    + options.branchesPerProject() + " branches");
        }
        String parentId = text(b, "parent_id", null);
        ObjectNode parent = parentId == null
                ? existing.stream().filter(x -> x.path("default").asBoolean()).findFirst().orElseThrow(() -> ApiError.bad("the project has no default branch"))
                : branch(projectId, parentId);
        parentId = parent.path("id").asText();
        String name = text(b, "name", null);
        String id = Ids.branch();
        if (name == null) {
            name = id;
        }
        String finalName = name;
        if (existing.stream().anyMatch(x -> x.path("name").asText().equals(finalName))) {
            throw new ApiError(409, "", "branch with name \"" + name + "\" already exists");
        }
        Map<String, String> source = sourceDatabases(parentId, text(b, "parent_timestamp", null));
        ObjectNode branch = shapes.branch(id, projectId, name, parentId, false);
        ObjectNode data = newBranchData(id);
        ObjectNode parentData = branchData.get(parentId);
        putBranch(branch, data);
        for (JsonNode role : parentData.path("roles")) {
            ((ArrayNode) data.path("roles")).add(role.asText());
        }
        Map<String, String> copies = new LinkedHashMap<>();
        for (Map.Entry<String, String> db : source.entrySet()) {
            JsonNode parentDb = parentData.path("databases").path(db.getKey());
            addDatabaseRecord(id, db.getKey(), parentDb.path("owner").asText());
            copies.put(db.getValue(), backingDatabase(id, db.getKey()));
        }
        store.save("branch_data", id, data);
        List<ObjectNode> ops = new ArrayList<>();
        ops.add(shapes.operation(projectId, id, null, "create_branch"));
        ArrayNode endpointsJson = shapes.array();
        List<String> newEndpoints = new ArrayList<>();
        for (JsonNode e : request.path("endpoints")) {
            if (!e.path("type").asText("read_write").equals("read_write")) {
                throw ApiError.bad("neon-local supports read_write endpoints only");
            }
        }
        for (int i = 0; i < request.path("endpoints").size(); i++) {
            ObjectNode endpoint = addEndpoint(projectId, id, false);
            endpointsJson.add(endpoint.deepCopy());
            newEndpoints.add(endpoint.path("id").asText());
            ops.add(shapes.operation(projectId, id, endpoint.path("id").asText(), "start_compute"));
        }
        ArrayNode opsJson = operations.submit(projectId, ops, () -> {
            for (Map.Entry<String, String> copy : copies.entrySet()) {
                backing.copyDatabase(copy.getKey(), copy.getValue());
            }
            markReady(id);
            for (String endpointId : newEndpoints) {
                computes.get(endpointId).start();
            }
            recordHistoryPoint(id);
        });
        ObjectNode out = shapes.object();
        out.set("branch", branch.deepCopy());
        out.set("endpoints", endpointsJson);
        out.set("operations", opsJson);
        ArrayNode roles = out.putArray("roles");
        for (JsonNode role : data.path("roles")) {
            roles.add(shapes.role(id, role.asText()));
        }
        ArrayNode databases = out.putArray("databases");
        for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
            databases.add(databaseJson(id, e.getKey(), e.getValue()));
        }
        ArrayNode uris = out.putArray("connection_uris");
        if (!newEndpoints.isEmpty()) {
            ObjectNode endpoint = endpoints.get(newEndpoints.get(0));
            for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
                String owner = e.getValue().path("owner").asText();
                uris.add(connectionDetails(endpoint, e.getKey(), owner, password(projectId, owner)));
            }
        }
        return out;
    }

    synchronized List<ObjectNode> listBranches(String projectId) {
        project(projectId);
        return branchesOf(projectId).stream().map(ObjectNode::deepCopy).toList();
    }

    synchronized ObjectNode getBranch(String projectId, String branchId) {
        return shapes.object().set("branch", branch(projectId, branchId).deepCopy());
    }

    synchronized ObjectNode deleteBranch(String projectId, String branchId) {
        ObjectNode branch = branch(projectId, branchId);
        operations.requireIdle(projectId);
        if (branch.path("default").asBoolean()) {
            throw ApiError.bad("cannot delete the project's default branch");
        }
        if (branchesOf(projectId).stream().anyMatch(x -> branchId.equals(x.path("parent_id").asText(null)))) {
            throw ApiError.bad("cannot delete a branch that has child branches");
        }
        List<String> databases = backingDatabases(branchId);
        List<String> endpointIds = endpointsOf(branchId).stream().map(e -> e.path("id").asText()).toList();
        for (String endpointId : endpointIds) {
            Compute c = computes.get(endpointId);
            if (c != null) {
                c.disable(true);
            }
        }
        List<ObjectNode> ops = new ArrayList<>();
        for (String endpointId : endpointIds) {
            ops.add(shapes.operation(projectId, branchId, endpointId, "suspend_compute"));
        }
        ops.add(shapes.operation(projectId, branchId, null, "delete_timeline"));
        ObjectNode copy = branch.deepCopy();
        forgetBranch(branchId);
        ArrayNode opsJson = operations.submit(projectId, ops, () -> {
            for (String db : databases) {
                backing.dropDatabase(db);
            }
        });
        ObjectNode out = shapes.object();
        out.set("branch", copy);
        out.set("operations", opsJson);
        return out;
    }

    /**
     * Restores a branch from another branch's head, or from a history point of itself or of another
     * branch ({@code source_timestamp}). Restoring a branch from its own history needs
     * {@code preserve_under_name} and is possible for root branches only, as on Neon.
     */
    synchronized ObjectNode restoreBranch(String projectId, String branchId, JsonNode request) throws IOException {
        ObjectNode branch = branch(projectId, branchId);
        operations.requireIdle(projectId);
        String sourceId = text(request, "source_branch_id", null);
        if (sourceId == null) {
            throw ApiError.bad("source_branch_id is required");
        }
        branch(projectId, sourceId);
        String timestamp = text(request, "source_timestamp", null);
        String preserve = text(request, "preserve_under_name", null);
        if (sourceId.equals(branchId)) {
            if (timestamp == null) {
                throw ApiError.bad("restoring a branch from itself needs source_timestamp or source_lsn");
            }
            if (preserve == null) {
                throw ApiError.bad("restoring a branch from itself needs preserve_under_name");
            }
            if (branch.hasNonNull("parent_id")) {
                throw ApiError.bad("only a root branch can be restored from its own history; restore this branch "
                        + "from its parent instead");
            }
        }
        Map<String, String> source = sourceDatabases(sourceId, timestamp);
        ObjectNode data = branchData.get(branchId);
        List<ObjectNode> ops = new ArrayList<>();
        Map<String, String> current = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
            current.put(e.getKey(), e.getValue().path("backing").asText());
        }
        String preservedId = null;
        if (preserve != null) {
            preservedId = Ids.branch();
            ObjectNode preserved = shapes.branch(preservedId, projectId, preserve, null, false);
            preserved.put("current_state", "ready").remove("pending_state");
            ObjectNode preservedData = newBranchData(preservedId);
            for (JsonNode role : data.path("roles")) {
                ((ArrayNode) preservedData.path("roles")).add(role.asText());
            }
            preservedData.set("databases", data.path("databases").deepCopy());
            putBranch(preserved, preservedData);
            for (ObjectNode child : branchesOf(projectId)) {
                if (branchId.equals(child.path("parent_id").asText(null))) {
                    child.put("parent_id", preservedId);
                    store.save("branch", child.path("id").asText(), child);
                }
            }
            ops.add(shapes.operation(projectId, preservedId, null, "create_branch"));
        }
        Map<String, String> copies = new LinkedHashMap<>();
        ObjectNode newDatabases = shapes.object();
        for (Map.Entry<String, String> db : source.entrySet()) {
            String target = store.backingName("nl_db_");
            JsonNode meta = branchData.get(sourceId).path("databases").path(db.getKey());
            ObjectNode record = shapes.object().put("id", meta.path("id").asLong()).put("owner", meta.path("owner").asText())
                    .put("backing", target);
            newDatabases.set(db.getKey(), record);
            copies.put(db.getValue(), target);
        }
        data.set("databases", newDatabases);
        store.save("branch_data", branchId, data);
        branch.put("updated_at", Shapes.now()).put("last_reset_at", Shapes.now());
        store.save("branch", branchId, branch);
        List<Compute> branchComputes = endpointsOf(branchId).stream()
                .map(e -> computes.get(e.path("id").asText())).filter(c -> c != null).toList();
        for (Compute c : branchComputes) {
            c.disable(true);
        }
        ops.add(shapes.operation(projectId, branchId, null, "create_timeline"));
        boolean preserved = preservedId != null;
        ArrayNode opsJson = operations.submit(projectId, ops, () -> {
            try {
                for (Map.Entry<String, String> copy : copies.entrySet()) {
                    backing.copyDatabase(copy.getKey(), copy.getValue());
                }
                if (!preserved) {
                    for (String old : current.values()) {
                        backing.dropDatabase(old);
                    }
                }
            } finally {
                for (Compute c : branchComputes) {
                    c.disable(false);
                }
            }
        });
        ObjectNode out = shapes.object();
        out.set("branch", branch.deepCopy());
        out.set("operations", opsJson);
        return out;
    }

    // ---- endpoints --------------------------------------------------------------------------

    synchronized List<ObjectNode> listEndpoints(String projectId, String branchId) {
        project(projectId);
        if (branchId != null) {
            branch(projectId, branchId);
        }
        return endpoints.values().stream().filter(e -> e.path("project_id").asText().equals(projectId)
                && (branchId == null || e.path("branch_id").asText().equals(branchId))).map(ObjectNode::deepCopy).toList();
    }

    synchronized ObjectNode getEndpoint(String projectId, String endpointId) {
        return shapes.object().set("endpoint", endpoint(projectId, endpointId).deepCopy());
    }

    synchronized ObjectNode createEndpoint(String projectId, JsonNode request) throws IOException {
        project(projectId);
        operations.requireIdle(projectId);
        JsonNode e = request.path("endpoint");
        String branchId = text(e, "branch_id", null);
        if (branchId == null) {
            throw ApiError.bad("endpoint.branch_id is required");
        }
        branch(projectId, branchId);
        if (!text(e, "type", "").equals("read_write")) {
            throw ApiError.bad("neon-local supports read_write endpoints only");
        }
        if (!endpointsOf(branchId).isEmpty()) {
            throw ApiError.bad("the branch already has a read_write endpoint");
        }
        ObjectNode endpoint = addEndpoint(projectId, branchId, false);
        String id = endpoint.path("id").asText();
        ArrayNode ops = operations.submit(projectId, List.of(shapes.operation(projectId, branchId, id, "start_compute")),
                () -> computes.get(id).start());
        ObjectNode out = shapes.object();
        out.set("endpoint", endpoint.deepCopy());
        out.set("operations", ops);
        return out;
    }

    synchronized ObjectNode startEndpoint(String projectId, String endpointId) {
        ObjectNode endpoint = endpoint(projectId, endpointId);
        operations.requireIdle(projectId);
        ArrayNode ops = operations.submit(projectId, List.of(shapes.operation(projectId,
                endpoint.path("branch_id").asText(), endpointId, "start_compute")), () -> computes.get(endpointId).start());
        ObjectNode out = shapes.object();
        out.set("endpoint", endpoint.deepCopy());
        out.set("operations", ops);
        return out;
    }

    synchronized ObjectNode suspendEndpoint(String projectId, String endpointId) {
        ObjectNode endpoint = endpoint(projectId, endpointId);
        operations.requireIdle(projectId);
        ArrayNode ops = operations.submit(projectId, List.of(shapes.operation(projectId,
                endpoint.path("branch_id").asText(), endpointId, "suspend_compute")), () -> computes.get(endpointId).suspend());
        ObjectNode out = shapes.object();
        out.set("endpoint", endpoint.deepCopy());
        out.set("operations", ops);
        return out;
    }

    /** Suspends computes idle for longer than their timeout. */
    void suspendIdle() {
        Instant now = Instant.now();
        for (Compute c : computes.values()) {
            c.suspendIfIdle(now);
        }
    }

    // ---- roles, databases, connection URIs --------------------------------------------------

    synchronized ObjectNode createRole(String projectId, String branchId, JsonNode request) throws IOException {
        branch(projectId, branchId);
        operations.requireIdle(projectId);
        String name = text(request.path("role"), "name", null);
        if (name == null) {
            throw ApiError.bad("role.name is required");
        }
        requireName(name, "role");
        ObjectNode data = branchData.get(branchId);
        for (JsonNode r : data.path("roles")) {
            if (r.asText().equals(name)) {
                throw new ApiError(409, "", "role \"" + name + "\" already exists");
            }
        }
        boolean existed = roleSecrets.containsKey(secretKey(projectId, name));
        ObjectNode role = addRoleRecord(projectId, branchId, name);
        String password = password(projectId, name);
        String backingRole = backingRole(projectId, name);
        boolean noLogin = request.path("role").path("no_login").asBoolean(false);
        boolean logical = project(projectId).path("settings").path("enable_logical_replication").asBoolean(false);
        List<String> databases = backingDatabases(branchId);
        ArrayNode ops = operations.submit(projectId, List.of(shapes.operation(projectId, branchId, null, "apply_config")), () -> {
            if (!existed) {
                if (noLogin) {
                    backing.createNoLoginRole(backingRole);
                } else {
                    backing.createRole(backingRole, password, logical);
                }
                backing.grantToAdmin(backingRole);
            }
            for (String db : databases) {
                backing.grantConnect(db, backingRole);
            }
        });
        ObjectNode out = shapes.object();
        out.set("role", withPassword(role, password));
        out.set("operations", ops);
        return out;
    }

    synchronized List<ObjectNode> listRoles(String projectId, String branchId) {
        branch(projectId, branchId);
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : branchData.get(branchId).path("roles")) {
            out.add(shapes.role(branchId, r.asText()));
        }
        return out;
    }

    synchronized String revealPassword(String projectId, String branchId, String role) {
        branch(projectId, branchId);
        requireRole(branchId, role);
        return password(projectId, role);
    }

    synchronized ObjectNode createDatabase(String projectId, String branchId, JsonNode request) throws IOException {
        branch(projectId, branchId);
        operations.requireIdle(projectId);
        JsonNode d = request.path("database");
        String name = text(d, "name", null);
        String owner = text(d, "owner_name", null);
        if (name == null || owner == null) {
            throw ApiError.bad("database.name and database.owner_name are required");
        }
        requireName(name, "database");
        requireRole(branchId, owner);
        if (branchData.get(branchId).path("databases").has(name)) {
            throw new ApiError(409, "", "database \"" + name + "\" already exists");
        }
        ObjectNode database = addDatabaseRecord(branchId, name, owner);
        String backingDb = backingDatabase(branchId, name);
        String backingOwner = backingRole(projectId, owner);
        ArrayNode ops = operations.submit(projectId, List.of(shapes.operation(projectId, branchId, null, "apply_config")),
                () -> backing.createDatabase(backingDb, backingOwner));
        ObjectNode out = shapes.object();
        out.set("database", database.deepCopy());
        out.set("operations", ops);
        return out;
    }

    synchronized List<ObjectNode> listDatabases(String projectId, String branchId) {
        branch(projectId, branchId);
        List<ObjectNode> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : iterable(branchData.get(branchId).path("databases"))) {
            out.add(databaseJson(branchId, e.getKey(), e.getValue()));
        }
        return out;
    }

    synchronized String connectionUri(String projectId, String branchId, String endpointId, String database, String role,
                                      boolean pooled) {
        project(projectId);
        if (branchId == null) {
            branchId = branchesOf(projectId).stream().filter(b -> b.path("default").asBoolean()).findFirst()
                    .map(b -> b.path("id").asText()).orElseThrow(() -> ApiError.bad("the project has no default branch"));
        }
        branch(projectId, branchId);
        if (database == null || role == null) {
            throw ApiError.bad("database_name and role_name are required");
        }
        if (!branchData.get(branchId).path("databases").has(database)) {
            throw ApiError.notFound("database " + database);
        }
        requireRole(branchId, role);
        String b = branchId;
        ObjectNode endpoint = endpointId == null
                ? endpointsOf(branchId).stream().findFirst().orElseThrow(() -> ApiError.notFound("read_write endpoint of branch " + b))
                : endpoint(projectId, endpointId);
        if (!endpoint.path("branch_id").asText().equals(branchId)) {
            throw ApiError.bad("the endpoint does not belong to the branch");
        }
        return uri(endpoint, database, role, password(projectId, role), pooled);
    }

    // ---- internals --------------------------------------------------------------------------

    private ObjectNode newBranchData(String branchId) {
        ObjectNode data = shapes.object().put("branch_id", branchId);
        data.putArray("roles");
        data.putObject("databases");
        data.putArray("history");
        return data;
    }

    private void putBranch(ObjectNode branch, ObjectNode data) {
        String id = branch.path("id").asText();
        branches.put(id, branch);
        branchData.put(id, data);
        store.save("branch", id, branch);
        store.save("branch_data", id, data);
    }

    private void forgetBranch(String branchId) {
        for (ObjectNode endpoint : endpointsOf(branchId)) {
            String id = endpoint.path("id").asText();
            Compute c = computes.remove(id);
            if (c != null) {
                c.close();
            }
            endpoints.remove(id);
            store.delete("endpoint", id);
        }
        branches.remove(branchId);
        branchData.remove(branchId);
        store.delete("branch", branchId);
        store.delete("branch_data", branchId);
    }

    private synchronized void markReady(String branchId) {
        ObjectNode branch = branches.get(branchId);
        if (branch != null) {
            branch.put("current_state", "ready").put("state_changed_at", Shapes.now()).remove("pending_state");
            store.save("branch", branchId, branch);
        }
    }

    /** Copies the branch's databases as a history point (the branch is new, nobody connects yet). */
    private void recordHistoryPoint(String branchId) throws java.sql.SQLException {
        recordHistoryPoint(branchId, null);
    }

    /**
     * Copies the branch's databases as a history point; with a compute, only while it stays idle
     * (connections arriving meanwhile wait). Takes this object's lock only before and after the copy,
     * never while holding the compute's.
     */
    private void recordHistoryPoint(String branchId, Compute idle) throws java.sql.SQLException {
        Map<String, String> dbs = new LinkedHashMap<>();
        synchronized (this) {
            ObjectNode data = branchData.get(branchId);
            if (data == null) {
                return;
            }
            for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
                dbs.put(e.getKey(), e.getValue().path("backing").asText());
            }
        }
        ObjectNode point = shapes.object().put("taken_at", Instant.now().toString());
        ObjectNode copies = point.putObject("databases");
        java.sql.SQLException[] failure = {null};
        Runnable copy = () -> {
            try {
                point.put("taken_at", Instant.now().toString());
                for (Map.Entry<String, String> db : dbs.entrySet()) {
                    String name = store.backingName("nl_hist_");
                    backing.copyDatabase(db.getValue(), name);
                    copies.put(db.getKey(), name);
                }
            } catch (java.sql.SQLException e) {
                failure[0] = e;
            }
        };
        if (idle == null) {
            copy.run();
        } else {
            idle.whileIdle(copy);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        if (copies.size() < dbs.size()) {
            return;
        }
        synchronized (this) {
            ObjectNode data = branchData.get(branchId);
            if (data != null) {
                ((ArrayNode) data.path("history")).add(point);
                store.save("branch_data", branchId, data);
            }
        }
    }

    /** The backing databases a new copy starts from: the branch's head, or its newest history point at or before the timestamp. */
    private Map<String, String> sourceDatabases(String branchId, String timestamp) {
        ObjectNode data = branchData.get(branchId);
        Map<String, String> out = new LinkedHashMap<>();
        if (timestamp == null) {
            for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
                out.put(e.getKey(), e.getValue().path("backing").asText());
            }
            return out;
        }
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw ApiError.bad("timestamp '" + timestamp + "' is not in ISO 8601 format (e.g. 2024-02-26T12:00:00Z)");
        }
        if (at.isAfter(Instant.now())) {
            throw ApiError.bad("timestamp " + timestamp + " is in the future");
        }
        JsonNode best = null;
        for (JsonNode point : data.path("history")) {
            Instant taken = Instant.parse(point.path("taken_at").asText());
            if (!taken.isAfter(at) && (best == null || taken.isAfter(Instant.parse(best.path("taken_at").asText())))) {
                best = point;
            }
        }
        if (best == null) {
            throw ApiError.bad("timestamp " + timestamp + " is before the branch's history begins");
        }
        for (Map.Entry<String, JsonNode> e : iterable(best.path("databases"))) {
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private ObjectNode addRoleRecord(String projectId, String branchId, String name) {
        String key = secretKey(projectId, name);
        if (!roleSecrets.containsKey(key)) {
            ObjectNode secret = shapes.object().put("backing", store.backingName("nl_role_")).put("password", Ids.password());
            roleSecrets.put(key, secret);
            store.save("role_secret", key, secret);
        }
        ObjectNode data = branchData.get(branchId);
        ((ArrayNode) data.path("roles")).add(name);
        store.save("branch_data", branchId, data);
        return shapes.role(branchId, name);
    }

    private ObjectNode addDatabaseRecord(String branchId, String name, String owner) {
        ObjectNode data = branchData.get(branchId);
        long id = Long.parseLong(store.backingName(""));
        ObjectNode record = shapes.object().put("id", id).put("owner", owner).put("backing", store.backingName("nl_db_"));
        ((ObjectNode) data.path("databases")).set(name, record);
        store.save("branch_data", branchId, data);
        return databaseJson(branchId, name, record);
    }

    private ObjectNode databaseJson(String branchId, String name, JsonNode record) {
        return shapes.database(record.path("id").asLong(), branchId, name, record.path("owner").asText());
    }

    private ObjectNode addEndpoint(String projectId, String branchId, boolean active) throws IOException {
        String id = Ids.endpoint();
        ObjectNode endpoint = shapes.endpoint(id, projectId, branchId, "127.0.0.1", active);
        endpoint.put("suspend_timeout_seconds", (int) options.suspendAfter().toSeconds());
        endpoints.put(id, endpoint);
        startCompute(endpoint);
        store.save("endpoint", id, endpoint);
        return endpoint;
    }

    private void startCompute(ObjectNode endpoint) throws IOException {
        String id = endpoint.path("id").asText();
        String projectId = endpoint.path("project_id").asText();
        String branchId = endpoint.path("branch_id").asText();
        Compute compute = new Compute(id, endpoint.path("x_port").asInt(0), backing,
                (db, role) -> resolve(projectId, branchId, db, role), faults, options.coldStart(), options.suspendAfter(),
                false, this::computeChanged);
        endpoint.put("x_port", compute.port());
        computes.put(id, compute);
    }

    private void computeChanged(Compute compute, boolean active, Duration wakeUp) {
        String branchId;
        synchronized (this) {
            ObjectNode endpoint = endpoints.get(compute.endpointId());
            if (endpoint == null) {
                return;
            }
            endpoint.put("current_state", active ? "active" : "idle").put("updated_at", Shapes.now());
            if (active) {
                endpoint.put("started_at", Shapes.now()).put("last_active", Shapes.now());
            } else {
                endpoint.put("suspended_at", Shapes.now());
            }
            store.save("endpoint", compute.endpointId(), endpoint);
            branchId = endpoint.path("branch_id").asText();
        }
        if (!active) {
            Thread t = new Thread(() -> {
                try {
                    recordHistoryPoint(branchId, compute);
                } catch (Exception e) {
                    // the branch may be gone or busy: no history point this time
                }
            }, "neon-local-history-" + branchId);
            t.setDaemon(true);
            t.start();
        }
    }

    private Optional<String[]> resolve(String projectId, String branchId, String database, String role) {
        String backingDb;
        List<String> branchRoles = new ArrayList<>();
        synchronized (this) {
            ObjectNode data = branchData.get(branchId);
            if (data == null || !data.path("databases").has(database)) {
                return Optional.empty();
            }
            backingDb = data.path("databases").path(database).path("backing").asText();
            ObjectNode secret = roleSecrets.get(secretKey(projectId, role));
            boolean hasRole = false;
            for (JsonNode r : data.path("roles")) {
                hasRole |= r.asText().equals(role);
                ObjectNode s = roleSecrets.get(secretKey(projectId, r.asText()));
                if (s != null) {
                    branchRoles.add(s.path("backing").asText());
                }
            }
            if (hasRole && secret != null) {
                return Optional.of(new String[] {backingDb, secret.path("backing").asText()});
            }
        }
        // a role created with SQL (CREATE ROLE) by one of the branch's roles logs in under its own name, as on Neon
        return backing.administeredBy(role, branchRoles) ? Optional.of(new String[] {backingDb, role}) : Optional.empty();
    }

    private ObjectNode connectionDetails(ObjectNode endpoint, String database, String role, String password) {
        ObjectNode details = shapes.object();
        details.put("connection_uri", uri(endpoint, database, role, password, false));
        details.putObject("connection_parameters").put("database", database).put("password", password).put("role", role)
                .put("host", "127.0.0.1:" + endpoint.path("x_port").asInt()).put("pooler_host", "127.0.0.1:" + endpoint.path("x_port").asInt());
        return details;
    }

    private static String uri(ObjectNode endpoint, String database, String role, String password, boolean pooled) {
        String u = "postgresql://" + enc(role) + ":" + enc(password) + "@127.0.0.1:" + endpoint.path("x_port").asInt() + "/"
                + enc(database) + "?sslmode=disable";
        return pooled ? u + "&pgbouncer=true" : u;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private ObjectNode withPassword(ObjectNode role, String password) {
        ObjectNode r = role.deepCopy();
        r.put("password", password);
        return r;
    }

    private void requireRole(String branchId, String role) {
        for (JsonNode r : branchData.get(branchId).path("roles")) {
            if (r.asText().equals(role)) {
                return;
            }
        }
        throw ApiError.notFound("role " + role);
    }

    private String password(String projectId, String role) {
        ObjectNode secret = roleSecrets.get(secretKey(projectId, role));
        if (secret == null) {
            throw ApiError.notFound("role " + role);
        }
        return secret.path("password").asText();
    }

    private String backingRole(String projectId, String role) {
        return roleSecrets.get(secretKey(projectId, role)).path("backing").asText();
    }

    private String backingDatabase(String branchId, String database) {
        return branchData.get(branchId).path("databases").path(database).path("backing").asText();
    }

    private List<String> backingDatabases(String branchId) {
        List<String> out = new ArrayList<>();
        ObjectNode data = branchData.get(branchId);
        if (data == null) {
            return out;
        }
        for (Map.Entry<String, JsonNode> e : iterable(data.path("databases"))) {
            out.add(e.getValue().path("backing").asText());
        }
        for (JsonNode point : data.path("history")) {
            for (Map.Entry<String, JsonNode> e : iterable(point.path("databases"))) {
                out.add(e.getValue().asText());
            }
        }
        return out;
    }

    private static String secretKey(String projectId, String role) {
        return projectId + "/" + role;
    }

    private ObjectNode project(String id) {
        ObjectNode p = projects.get(id);
        if (p == null) {
            throw ApiError.notFound("project " + id);
        }
        return p;
    }

    private ObjectNode branch(String projectId, String branchId) {
        project(projectId);
        ObjectNode b = branches.get(branchId);
        if (b == null || !b.path("project_id").asText().equals(projectId)) {
            throw ApiError.notFound("branch " + branchId);
        }
        return b;
    }

    private ObjectNode endpoint(String projectId, String endpointId) {
        project(projectId);
        ObjectNode e = endpoints.get(endpointId);
        if (e == null || !e.path("project_id").asText().equals(projectId)) {
            throw ApiError.notFound("endpoint " + endpointId);
        }
        return e;
    }

    private List<ObjectNode> branchesOf(String projectId) {
        return branches.values().stream().filter(b -> b.path("project_id").asText().equals(projectId))
                .sorted(Comparator.comparing(b -> b.path("created_at").asText())).toList();
    }

    private List<ObjectNode> endpointsOf(String branchId) {
        return endpoints.values().stream().filter(e -> e.path("branch_id").asText().equals(branchId)).toList();
    }

    private static void requireName(String name, String what) {
        if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 63) {
            throw ApiError.bad(what + " name must be 1 to 63 bytes");
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.path(field);
        return v.isTextual() && !v.asText().isEmpty() ? v.asText() : fallback;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }

    @Override
    public void close() {
        for (Compute c : computes.values()) {
            c.close();
        }
    }
}
