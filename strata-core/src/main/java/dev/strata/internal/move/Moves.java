package dev.strata.internal.move;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.ErrorCode;
import dev.strata.MoveRequest;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.StrataConfig;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.Tier;
import dev.strata.internal.operation.OperationRunner;
import dev.strata.internal.operation.RunningOperation;
import dev.strata.internal.plane.DatabaseAddresses;
import dev.strata.internal.provisioning.MoveStorage;
import dev.strata.internal.registry.Registry;
import dev.strata.internal.registry.SubtreeLocks;
import dev.strata.internal.sql.DataPlane;
import dev.strata.internal.sql.Jdbc;
import dev.strata.internal.sql.PhysicalNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import javax.sql.DataSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Online tenant moves: validates and plans a request ({@link MovePlanner}), opens the
 * {@link OperationKind#MOVE} operation in the same management transaction (the tenant becomes
 * {@code migrating}: it keeps working, but takes no other lifecycle operation and no new T2), and
 * runs it ({@link MoveRun}) in the caller's thread or in a thread of its own. Registers the
 * {@link MoveHandler} with the runner. Thread-safe.
 */
public final class Moves {
    private static final Logger LOG = LoggerFactory.getLogger(Moves.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DataSource management;
    private final Registry registry;
    private final OperationRunner runner;
    private final MovePlanner planner;
    private final MoveRun run;
    private final Function<String, DataPlane> planes;
    private final Consumer<UUID> tenantChanged;
    private final CaptureSources sources;

    /**
     * @param planes        resolves a data plane by key ({@link ErrorCode#PLANE_NOT_FOUND} or
     *                      {@link ErrorCode#INVALID_CONFIGURATION} for an unknown one)
     * @param databases     where a database of a plane is reached (the plane's server, or a Neon T1
     *                      database's own endpoint)
     * @param sources       what a source's plane requires before its changes can be captured
     *                      (a Neon project's logical replication), checked before anything is done
     * @param tenantChanged drops a tenant's cached route in this process
     */
    public Moves(StrataConfig config, PhysicalNames names, Registry registry, OperationRunner runner, ChangeCapture capture,
                 MoveStorage storage, Function<String, DataPlane> planes, DatabaseAddresses databases,
                 CaptureSources sources, Consumer<UUID> tenantChanged) {
        this.management = registry.dataSource();
        this.registry = registry;
        this.runner = runner;
        this.planes = planes;
        this.tenantChanged = tenantChanged;
        this.planner = new MovePlanner(config, names, registry, runner.journal());
        this.sources = sources;
        this.run = new MoveRun(management, registry, capture, storage, databases, tenantChanged, names.t1ContextRole());
        runner.register(new MoveHandler(run));
    }

    /** See {@link dev.strata.Tenants#move}. */
    public OperationInfo move(String key, MoveRequest request, String actor) {
        return move(key, request, actor, operation -> { });
    }

    /**
     * See {@link dev.strata.Tenants#move}; {@code opened} is told the move's operation once it is
     * journalled, before it runs (a drain records its child moves so).
     */
    public OperationInfo move(String key, MoveRequest request, String actor, Consumer<UUID> opened) {
        Objects.requireNonNull(request, "request");
        Tenant found = registry.resolve(key);
        if (found.tier() == Tier.T0) {
            throw new StrataException(ErrorCode.INVALID_HIERARCHY, "The T0 operator holds no tenant data: there is nothing to move");
        }
        if (request.plane() != null) {
            requireKnownPlane(request.plane());
        }
        sources.requireCapturable(found.placement());
        Started started = Jdbc.inTransaction(management, "start moving '" + found.slug() + "'", c -> {
            SubtreeLocks.lockSubtree(c, found.tier() == Tier.T2 ? found.parentId() : found.id());
            Tenant tenant = registry.findById(c, found.id()).orElseThrow();
            MovePlanner.Planned planned = planner.plan(c, tenant, request);
            ObjectNode detail = (ObjectNode) parse(planned.plan().toJson());
            ArrayNode locals = detail.putArray("locals");
            for (MoveStorage.LocalTenant t : planned.locals()) {
                locals.addObject().put("id", t.id().toString()).put("slug", t.slug()).put("tier", t.tier().level())
                        .put("parent_id", t.parentId() == null ? null : t.parentId().toString());
            }
            for (UUID member : planned.plan().members()) {
                registry.updateStatus(c, member, TenantStatus.ACTIVE, TenantStatus.MIGRATING); // the T2s it carries too
            }
            UUID operation = runner.open(c, OperationKind.MOVE, tenant.id(), detail.toString());
            return new Started(operation, planned.plan(), planned.locals());
        });
        started.plan().members().forEach(tenantChanged);
        opened.accept(started.operation());
        LOG.info("Moving tenant '{}' from {} to {} ({} mode), operation {}", found.slug(), started.plan().source().name(),
                started.plan().target().name(), started.plan().toMode().wireName(), started.operation());
        if (request.awaitEnd()) {
            runTracked(started, actor);
            return runner.find(started.operation()).info();
        }
        OperationInfo info = runner.find(started.operation()).info();
        Thread worker = new Thread(() -> {
            try {
                runTracked(started, actor);
            } catch (RuntimeException e) {
                LOG.warn("Move {} of tenant '{}' ended with an error: {}", started.operation(), found.slug(), e.getMessage());
            }
        }, "strata-move-" + found.slug());
        worker.setDaemon(true);
        worker.start();
        return info;
    }

    private void runTracked(Started started, String actor) {
        String previous = MDC.get("tenant");
        MDC.put("tenant", started.plan().tenantId().toString());
        try (RunningOperation operation = runner.track(started.operation(), OperationKind.MOVE)) {
            run.forward(started.plan(), started.locals(), operation, actor);
        } finally {
            if (previous == null) {
                MDC.remove("tenant");
            } else {
                MDC.put("tenant", previous);
            }
        }
    }

    private void requireKnownPlane(String key) {
        try {
            planes.apply(key);
        } catch (StrataException e) {
            if (e.code() == ErrorCode.PLANE_NOT_FOUND || e.code() == ErrorCode.INVALID_CONFIGURATION) {
                throw new StrataException(ErrorCode.PLANE_NOT_FOUND, "No data plane '" + key
                        + "' is registered: list them with 'strata planes list' (add one with 'strata planes add')");
            }
            throw e;
        }
    }

    private record Started(UUID operation, MovePlan plan, List<MoveStorage.LocalTenant> locals) {
    }

    /** The tenants to register at the target, as journalled. */
    static List<MoveStorage.LocalTenant> locals(JsonNode node) {
        List<MoveStorage.LocalTenant> out = new ArrayList<>();
        if (node != null) {
            for (JsonNode n : node) {
                String parent = n.path("parent_id").asText(null);
                out.add(new MoveStorage.LocalTenant(UUID.fromString(n.path("id").asText()), n.path("slug").asText(),
                        Tier.ofLevel(n.path("tier").asInt()), parent == null ? null : UUID.fromString(parent)));
            }
        }
        return out;
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new StrataException(ErrorCode.INTERNAL, "unreadable journal detail: " + e.getMessage(), e);
        }
    }
}
