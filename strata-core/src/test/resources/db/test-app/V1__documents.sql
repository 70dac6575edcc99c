-- The tests' application schema: one tenant table. Strata runs it once per app schema ("app" of
-- every tenant database and of the template, every "t_<tenant id>"), with search_path set to that
-- schema, and then makes every table with a tenant_id column safe itself: RLS enabled and forced,
-- the standard policies (a tenant reads and writes its own rows, a T1 also reads its T2s'), the
-- app role's grants. The migration writes none of that.

CREATE TABLE documents (
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
