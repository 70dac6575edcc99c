package dev.strata.server.api;

import dev.strata.DataPlaneInfo;
import dev.strata.NeonOptions;
import dev.strata.NewPlane;
import dev.strata.Planes;
import dev.strata.Strata;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;

/**
 * Data planes over HTTP: list, show, add (the server is checked and prepared before it is
 * registered), drain (optional body {@code {"concurrency": N}}) and activate. The URL of an added
 * plane carries its administrator's credentials: it is
 * read from the body only, and never echoed, logged or returned.
 */
final class PlaneRoutes {
    private static final String PATH = "/v1/planes";

    /**
     * Body of {@code POST /v1/planes}: a server ({@code url}) or, with {@code kind: neon}, a Neon
     * account ({@code api_key}, optional {@code api_url}, {@code placement}, {@code template_project} or
     * {@code template_branch}, {@code pooled}, {@code cold_start_timeout_ms}). {@link #toString()} hides
     * the URL and the API key.
     */
    record AddRequest(String key, String kind, String url, String region, Integer capacity, String apiKey, String apiUrl,
                      String placement, String templateProject, String templateBranch, Boolean pooled,
                      Integer coldStartTimeoutMs) {
        @Override
        public String toString() {
            return "AddRequest[key=" + key + ", kind=" + kind + ", region=" + region + ", capacity=" + capacity + "]";
        }
    }

    /** Body of {@code POST /v1/planes/{key}/drain} (optional): how many moves run at once. */
    record DrainRequest(Integer concurrency) {
    }

    private final Strata strata;

    PlaneRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, PATH, Access.OPERATOR, this::list),
                new ApiEndpoint(HandlerType.POST, PATH, Access.OPERATOR, this::add),
                new ApiEndpoint(HandlerType.GET, PATH + "/{key}", Access.OPERATOR, this::show),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/drain", Access.OPERATOR, this::drain),
                new ApiEndpoint(HandlerType.POST, PATH + "/{key}/activate", Access.OPERATOR, this::activate));
    }

    private void list(Context ctx) {
        QueryParameters query = QueryParameters.of(ctx, Pagination.withPaging());
        Pagination paging = Pagination.of(query, "planes");
        List<PlaneView> planes = strata.planes().list().stream().map(this::view)
                .sorted(java.util.Comparator.comparing(PlaneView::key)).toList();
        Pagination.Page<PlaneView> page = paging.page(planes, PlaneView::key, String::compareTo);
        ctx.json(page.answer("planes"));
    }

    private void show(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(view(strata.planes().get(ctx.pathParam("key"))));
    }

    private void add(Context ctx) {
        QueryParameters.of(ctx);
        AddRequest body = RequestBodies.read(ctx, AddRequest.class);
        if (body == null) {
            throw QueryParameters.invalid("A JSON body is required: {\"key\": ..., \"url\": \"postgresql://user:password@host:5432/postgres\", "
                    + "\"region\" and \"capacity\" optional}");
        }
        if (body.key() == null) {
            throw QueryParameters.invalid("Field 'key' is required: 1-24 characters of a-z, 0-9 and '-', starting with a letter");
        }
        NewPlane request;
        if ("neon".equals(body.kind())) {
            request = neon(body);
        } else {
            if (body.kind() != null && !"postgres".equals(body.kind())) {
                throw QueryParameters.invalid("Field 'kind' must be 'postgres' (a PostgreSQL server, the default) or"
                        + " 'neon' (a Neon account), not '" + body.kind() + "'");
            }
            if (body.apiKey() != null || body.apiUrl() != null || body.placement() != null || body.templateProject() != null
                    || body.templateBranch() != null || body.pooled() != null || body.coldStartTimeoutMs() != null) {
                throw QueryParameters.invalid("Fields api_key, api_url, placement, template_project, template_branch, pooled"
                        + " and cold_start_timeout_ms are for kind 'neon'");
            }
            if (body.url() == null || body.url().isBlank()) {
                throw QueryParameters.invalid("Field 'url' is required: postgresql://user:password@host:5432/postgres of a "
                        + "superuser or a role with CREATEDB and CREATEROLE");
            }
            request = NewPlane.of(body.key(), body.url());
        }
        request = request.withRegion(body.region()).withCapacity(body.capacity());
        DataPlaneInfo added = planes(ctx).add(request);
        ctx.status(201).header("Location", PATH + "/" + added.key()).json(PlaneView.of(added));
    }

    private static NewPlane neon(AddRequest body) {
        if (body.url() != null) {
            throw QueryParameters.invalid("A Neon plane has no 'url': give 'api_key' (and 'api_url' for a stand-in)");
        }
        if (body.apiKey() == null || body.apiKey().isBlank()) {
            throw QueryParameters.invalid("Field 'api_key' is required for kind 'neon': the Neon API key");
        }
        java.net.URI apiUrl;
        try {
            apiUrl = body.apiUrl() == null ? NeonOptions.NEON_API : new java.net.URI(body.apiUrl());
        } catch (java.net.URISyntaxException e) {
            throw QueryParameters.invalid("Field 'api_url' is not a URL: " + e.getMessage());
        }
        NeonOptions options = NeonOptions.of(apiUrl, body.apiKey())
                .withPlacement(body.placement() == null ? NeonOptions.Layout.PROJECT : NeonOptions.Layout.fromWire(body.placement()))
                .withTemplateProject(body.templateProject()).withTemplateBranch(body.templateBranch())
                .withPooled(Boolean.TRUE.equals(body.pooled()))
                .withColdStartTimeout(body.coldStartTimeoutMs() == null ? null
                        : java.time.Duration.ofMillis(body.coldStartTimeoutMs()));
        return NewPlane.neon(body.key(), options);
    }

    private void drain(Context ctx) {
        QueryParameters.of(ctx);
        String key = ctx.pathParam("key");
        DrainRequest body = RequestBodies.read(ctx, DrainRequest.class);
        int concurrency = body == null || body.concurrency() == null ? Planes.DEFAULT_DRAIN_CONCURRENCY : body.concurrency();
        ctx.status(202).json(view(planes(ctx).drain(key, concurrency)));
    }

    private void activate(Context ctx) {
        QueryParameters.of(ctx);
        String key = ctx.pathParam("key");
        RequestBodies.requireNone(ctx);
        ctx.json(view(planes(ctx).activate(key)));
    }

    private PlaneView view(DataPlaneInfo plane) {
        if (plane.drainOperation() == null) {
            return PlaneView.of(plane);
        }
        try {
            return PlaneView.of(plane, strata.operations().show(plane.drainOperation()));
        } catch (dev.strata.StrataException e) {
            if (e.code() != dev.strata.ErrorCode.OPERATION_NOT_FOUND) {
                throw e;
            }
            return PlaneView.of(plane);
        }
    }

    private Planes planes(Context ctx) {
        return strata.planes().actingAs(Authenticator.key(ctx).actor());
    }
}
