package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Per-tenant archives over HTTP, streamed both ways in constant memory: the export is written to
 * the response as it is produced, the import read from the request body as it arrives.
 */
final class ArchiveRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRoutes.class);
    private static final Set<String> IMPORT_PARAMETERS = Set.of("mode", "parent", "slug");

    private final Strata strata;

    ArchiveRoutes(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/export", this::export),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/import", this::importArchive));
    }

    /**
     * Streams the archive. A failure before the first bytes leave is answered with a problem; a
     * failure after that aborts the connection, so a client never takes a truncated archive for
     * a complete one.
     */
    private void export(Context ctx) throws IOException {
        Tenant tenant = strata.tenants().get(ctx.pathParam("key"));
        MDC.put("tenant", tenant.id().toString());
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("application/zip");
        res.setCharacterEncoding(null);
        res.setHeader("Content-Disposition", "attachment; filename=\"" + tenant.slug() + ".strata.zip\"");
        OutputStream out = res.getOutputStream();
        try {
            strata.exportTenant(tenant.id().toString(), out);
            out.flush();
        } catch (RuntimeException | IOException e) {
            if (!res.isCommitted()) {
                res.reset();
                throw e;
            }
            LOG.error("Export of tenant '{}' failed after the response started; aborting the connection: {}",
                    tenant.slug(), e.toString());
            Request.getBaseRequest(ctx.req()).getHttpChannel().abort(e);
        }
    }

    private void importArchive(Context ctx) throws IOException {
        Set<String> unknown = ctx.queryParamMap().keySet().stream().filter(k -> !IMPORT_PARAMETERS.contains(k))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!unknown.isEmpty()) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT,
                    "Unknown query parameter " + unknown + ": use mode, parent or slug");
        }
        String modeText = ctx.queryParam("mode");
        IsolationMode mode = modeText == null || modeText.isBlank() ? null : IsolationMode.parse(modeText);
        ImportOptions options = new ImportOptions(mode, blankToNull(ctx.queryParam("parent")), blankToNull(ctx.queryParam("slug")));
        ImportResult result;
        try (InputStream in = ctx.req().getInputStream()) {
            result = strata.importTenant(in, options);
        }
        Tenant tenant = result.tenant();
        MDC.put("tenant", tenant.id().toString());
        String parentSlug = tenant.parentId() == null ? null : strata.tenants().get(tenant.parentId()).slug();
        ctx.status(201).header("Location", "/v1/tenants/" + tenant.id())
                .json(new ImportView(TenantView.of(tenant, parentSlug), ManifestView.of(result.manifest())));
    }

    /** Response of {@code POST /v1/tenants/import}. */
    record ImportView(TenantView tenant, ManifestView manifest) {
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
