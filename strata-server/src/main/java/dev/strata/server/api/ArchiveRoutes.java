package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.IsolationMode;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.archive.ArchiveLimits;
import dev.strata.archive.ImportOptions;
import dev.strata.archive.ImportResult;
import dev.strata.internal.archive.TenantArchives;
import dev.strata.internal.registry.TenantRules;
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

/**
 * Per-tenant archives over HTTP, streamed both ways in constant memory: the export is written to
 * the response as it is produced, the import read from the request body as it arrives.
 */
final class ArchiveRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRoutes.class);

    private final Strata strata;
    private final TenantArchives archives;

    ArchiveRoutes(Strata strata) {
        this.strata = strata;
        this.archives = strata.serverHooks().archives();
    }

    List<ApiEndpoint> endpoints() {
        return List.of(
                new ApiEndpoint(HandlerType.GET, "/v1/tenants/{key}/export", Access.TENANT_READ, this::export),
                new ApiEndpoint(HandlerType.POST, "/v1/tenants/import", Access.SUBTREE, this::importArchive));
    }

    /**
     * Streams the archive. A failure before the first bytes leave is answered with a problem; a
     * failure after that aborts the connection, so a client never takes a truncated archive for
     * a complete one.
     */
    private void export(Context ctx) throws IOException {
        QueryParameters.of(ctx);
        Tenant tenant = Authorizer.tenant(ctx);
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("application/zip");
        res.setCharacterEncoding(null);
        res.setHeader("Content-Disposition", "attachment; filename=\"" + tenant.slug() + ".strata.zip\"");
        OutputStream out = res.getOutputStream();
        try {
            archives.export(tenant.id().toString(), out, Authenticator.key(ctx).actor());
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

    /**
     * Refuses a body over the archive bound before reading it when its {@code Content-Length} says
     * so; a body without one (chunked) is counted while it is spooled and refused at the bound.
     */
    private void importArchive(Context ctx) throws IOException {
        QueryParameters query = QueryParameters.of(ctx, "mode", "parent", "slug");
        IsolationMode mode = query.mode("mode");
        ImportOptions options = new ImportOptions(mode, importParent(Caller.of(ctx), query.get("parent")), query.get("slug"));
        long max = strata.config().archiveLimits().maxArchiveBytes();
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw new StrataException(ErrorCode.ARCHIVE_TOO_LARGE, "The archive is refused: the upload is " + declared
                    + " bytes, more than the " + ArchiveLimits.bytes(max) + " an archive may have. Nothing was imported; "
                    + "raise the server's --max-import-bytes if the archive is genuine");
        }
        ImportResult result;
        try (InputStream in = ctx.req().getInputStream()) {
            result = archives.importArchive(in, options, Authenticator.key(ctx).actor());
        }
        Tenant tenant = result.tenant();
        MDC.put("tenant", tenant.id().toString());
        String parentSlug = tenant.parentId() == null ? null : strata.tenants().get(tenant.parentId()).slug();
        ctx.status(201).header("Location", "/v1/tenants/" + tenant.id())
                .json(new ImportView(TenantView.of(tenant, parentSlug), ManifestView.of(result.manifest())));
    }

    /**
     * The parent to import under: as given for a T0 key; for a T1 key only itself (the default), so
     * what it imports becomes one of its T2s; never for a T2 key. A parent outside the caller's
     * subtree is answered as one that does not exist.
     */
    private String importParent(Caller caller, String parent) {
        if (caller.isOperator()) {
            return parent;
        }
        caller.requireAdministrator("importing a tenant");
        if (parent == null) {
            return caller.tenantId().toString();
        }
        TenantRules.parseIdOrValidateSlug(parent);
        try {
            return caller.visible(strata, parent).id().toString();
        } catch (StrataException e) {
            if (e.code() != ErrorCode.TENANT_NOT_FOUND) {
                throw e;
            }
            throw new StrataException(ErrorCode.TENANT_NOT_FOUND, "The parent '" + TenantRules.printable(parent.trim())
                    + "' given for the import does not exist: name an existing T1 by id or slug");
        }
    }

    /** Response of {@code POST /v1/tenants/import}. */
    record ImportView(TenantView tenant, ManifestView manifest) {
    }

}
