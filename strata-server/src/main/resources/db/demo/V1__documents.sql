-- The demo application's one tenant table. Strata makes it safe itself (RLS enabled and forced,
-- the standard policies, the app role's grants): the migration writes only the table.

CREATE TABLE documents (
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
