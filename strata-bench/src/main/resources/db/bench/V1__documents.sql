-- The benchmarks' tenant table, as the tests and the demo have it. Strata adds RLS, the
-- standard policies and the grants itself.

CREATE TABLE documents (
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
