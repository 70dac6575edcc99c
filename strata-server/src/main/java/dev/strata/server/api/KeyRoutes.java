package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * API keys over HTTP: list, create (the answer carries the secret, once), show and revoke. A key
 * sees and manages the keys of its subtree only: a T0 key every key, a T1 key those of itself and
 * its T2s, a T2 key sees its own tenant's keys and manages none. A key outside the subtree is
 * answered as one that does not exist. There is deliberately no endpoint that recovers the admin
 * key: that is {@code strata keys reset-admin}, with access to the management database.
 */
final class KeyRoutes {
    static final String PATH = "/v1/keys";
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    /** Body of {@code POST /v1/keys}: {@code tenant} required, {@code name} and {@code expires_at} optional. */
    record CreateRequest(String tenant, String name, String expiresAt) {
    }

    private final Strata strata;
    private final ApiKeys keys;

    KeyRoutes(Strata strata, ApiKeys keys) {
        this.strata = strata;
        this.keys = keys;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.SUBTREE, this::list),
                new ApiEndpoint(HandlerType.POST, PATH, Access.SUBTREE, this::create),
                new ApiEndpoint(HandlerType.GET, PATH + "/{id}", Access.SUBTREE, this::show),
                new ApiEndpoint(HandlerType.DELETE, PATH + "/{id}", Access.SUBTREE, this::revoke));
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging("tenant"));
        Pagination paging = Pagination.of(query, "keys", query.value("tenant"));
        Caller caller = Caller.of(ctx);
        UUID tenant = query.get("tenant") == null ? null : caller.visible(strata, query.get("tenant")).id();
        Instant now = Instant.now();
        Map<UUID, Tenant> tenants = caller.isOperator() ? Map.of() : Caller.byId(strata);
        List<KeyView> views = keys.list().stream()
                .filter(k -> caller.sees(tenants, k.tenantId()))
                .filter(k -> tenant == null || tenant.equals(k.tenantId()))
                .map(k -> KeyView.of(k, now))
                .sorted(java.util.Comparator.comparing(KeyRoutes::position).reversed())
                .toList();
        Pagination.Page<KeyView> page = paging.page(views, KeyRoutes::position, java.util.Comparator.reverseOrder());
        ctx.json(page.answer("keys"));
    }

    /** A key's place in the listing, newest first: its creation (fixed-width microseconds) then its id, as text. */
    private static String position(KeyView k) {
        long micros = k.createdAt().getEpochSecond() * 1_000_000L + k.createdAt().getNano() / 1_000;
        return String.format("%019d", micros) + "\t" + k.id();
    }

    private void create(Context ctx) {
        QueryParameters.of(ctx);
        Caller caller = Caller.of(ctx);
        CreateRequest body = RequestBodies.read(ctx, CreateRequest.class);
        if (body == null || body.tenant() == null || body.tenant().isBlank()) {
            throw invalid("A JSON body naming the key's tenant is required: {\"tenant\": id or slug, \"name\": ... (optional), "
                    + "\"expires_at\": \"2027-01-01T00:00:00Z\" (optional, RFC 3339)}");
        }
        Tenant tenant = caller.visible(strata, body.tenant());
        caller.requireAdministrator("creating an API key");
        if (tenant.status() == TenantStatus.DECOMMISSIONED) {
            throw new StrataException(ErrorCode.TENANT_DECOMMISSIONED, "Tenant '" + tenant.slug()
                    + "' is decommissioned: a key for it would admit nothing");
        }
        Instant expires = expiresAt(body.expiresAt());
        Optional<Instant> ownExpiry = keys.find(caller.key().id()).map(ApiKeys.KeyInfo::expiresAt);
        if (ownExpiry.isPresent() && (expires == null || expires.isAfter(ownExpiry.get()))) {
            throw new StrataException(ErrorCode.FORBIDDEN, "API key '" + caller.key().name() + "' expires at " + ownExpiry.get()
                    + ": a key it creates must expire no later (give expires_at at or before it)");
        }
        String name = body.name() == null ? tenant.slug() : body.name();
        ApiKeys.Created created = keys.create(tenant.id(), name, expires, caller.key().actor());
        ctx.status(201).header("Location", PATH + "/" + created.key().id())
                .json(new KeyView.Created(KeyView.of(created.info(), Instant.now()), created.secret()));
    }

    private void show(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(KeyView.of(visible(Caller.of(ctx), id(ctx)), Instant.now()));
    }

    private void revoke(Context ctx) {
        QueryParameters.of(ctx);
        UUID id = id(ctx);
        RequestBodies.requireNone(ctx);
        Caller caller = Caller.of(ctx);
        visible(caller, id);
        caller.requireAdministrator("revoking an API key");
        ApiKeys.KeyInfo revoked = keys.revoke(id, caller.key().actor()).orElseThrow(() -> notFound(id));
        ctx.json(KeyView.of(revoked, Instant.now()));
    }

    private ApiKeys.KeyInfo visible(Caller caller, UUID id) {
        return keys.find(id).filter(k -> sees(caller, k)).orElseThrow(() -> notFound(id));
    }

    private boolean sees(Caller caller, ApiKeys.KeyInfo key) {
        return caller.isOperator() || (key.tenantId() != null && caller.visible(strata, key.tenantId()).isPresent());
    }

    /** The path's key id: a UUID in its canonical 8-4-4-4-12 form. */
    private static UUID id(Context ctx) {
        String text = ctx.pathParam("id");
        if (!UUID_TEXT.matcher(text).matches()) {
            throw invalid("'" + QueryParameters.printable(text) + "' is not an API key id: give the id 'strata keys list' "
                    + "(GET /v1/keys) shows (a UUID; the key itself is never an id)");
        }
        return UUID.fromString(text);
    }

    private static StrataException notFound(UUID id) {
        return new StrataException(ErrorCode.KEY_NOT_FOUND, "No API key with id " + id
                + ": list them with 'strata keys list' (GET /v1/keys)");
    }

    private static Instant expiresAt(String text) {
        if (text == null) {
            return null;
        }
        Instant at;
        try {
            at = OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw invalid("Field 'expires_at' must be an RFC 3339 timestamp with its offset, e.g. 2027-01-01T00:00:00Z; was '"
                    + QueryParameters.printable(text) + "'");
        }
        if (!at.isAfter(Instant.now())) {
            throw invalid("Field 'expires_at' (" + at + ") is not in the future: a key that expired already admits nothing");
        }
        return at;
    }

    private static StrataException invalid(String message) {
        return new StrataException(ErrorCode.INVALID_ARGUMENT, message);
    }
}
