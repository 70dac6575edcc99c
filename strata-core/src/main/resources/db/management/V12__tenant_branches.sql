-- Dev and staging branches of T1s on Neon planes (issue 16): each a child branch of the T1's
-- production branch, with a role of its own, never routed for the T1's traffic.
--
-- neon_name and role_name are deterministic (derived from the T1's id and the branch's name), so
-- a creation interrupted after Neon made the branch but before branch_id was recorded finds it
-- again by name. The row exists from the moment the creation is journalled ('creating') until
-- the branch is gone from Neon; the password of role_name is never stored.
CREATE TABLE platform.tenant_branches (
    tenant_id         uuid NOT NULL REFERENCES platform.tenants (id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{0,39}$'),
    state             text NOT NULL CHECK (state IN ('creating', 'ready', 'deleting')),
    plane_key         text NOT NULL,
    project_id        text NOT NULL,
    parent_branch_id  text NOT NULL,
    neon_name         text NOT NULL,
    branch_id         text,
    endpoint_id       text,
    role_name         text NOT NULL,
    database_name     text NOT NULL,
    parent_timestamp  timestamptz,
    operation_id      uuid NOT NULL,
    created_by        text NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
