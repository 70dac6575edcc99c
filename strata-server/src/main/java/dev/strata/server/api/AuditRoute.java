package dev.strata.server.api;

import dev.strata.Strata;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

import java.util.List;

/** The isolation audit over HTTP: runs it and answers with its report (200 whether or not it passed). */
final class AuditRoute {
    private final Strata strata;

    AuditRoute(Strata strata) {
        this.strata = strata;
    }

    List<ApiEndpoint> endpoints() {
        return List.of(new ApiEndpoint(HandlerType.GET, "/v1/audit", Access.OPERATOR, this::audit));
    }

    private void audit(Context ctx) {
        QueryParameters.of(ctx);
        ctx.json(AuditView.of(strata.audit()));
    }
}
