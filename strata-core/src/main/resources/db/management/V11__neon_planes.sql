-- Neon planes (`strata planes add KEY --kind neon ...`): a plane that is not one server but a Neon
-- account. Its API key is a credential like a postgres plane's administrator password: only
-- Strata's administrator role reads this database (docs/security.md, "Data plane credentials").
ALTER TABLE platform.data_planes
    ADD COLUMN neon_api_url          text,
    ADD COLUMN neon_api_key          text,
    ADD COLUMN neon_placement        text CHECK (neon_placement IN ('project', 'branch')),
    ADD COLUMN neon_template_project text,
    ADD COLUMN neon_template_branch  text,
    ADD COLUMN neon_pooled           boolean NOT NULL DEFAULT false,
    ADD COLUMN neon_cold_start_ms    integer CHECK (neon_cold_start_ms BETWEEN 1000 AND 300000),
    DROP CONSTRAINT data_planes_connection,
    ADD CONSTRAINT data_planes_connection CHECK (key = 'default'
        OR (kind = 'postgres' AND host IS NOT NULL AND port IS NOT NULL AND admin_database IS NOT NULL
            AND admin_user IS NOT NULL)
        OR (kind = 'neon' AND neon_api_url IS NOT NULL AND neon_api_key IS NOT NULL AND neon_placement IS NOT NULL));

-- The Neon projects a plane uses: one per T1 in project placement; in branch placement the shared
-- projects T1 branches are made in (a project that reached Neon's branch limit is marked full and
-- the next T1 spills into a new one).
CREATE TABLE platform.neon_projects (
    data_plane         text NOT NULL REFERENCES platform.data_planes (key),
    project_id         text NOT NULL,
    name               text NOT NULL,
    purpose            text NOT NULL CHECK (purpose IN ('tenant', 'shared')),
    template_branch_id text,
    at_branch_limit    boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at         timestamptz,
    PRIMARY KEY (data_plane, project_id)
);

-- Where each T1 on a Neon plane lives, and how Strata reaches its database: the endpoint's own
-- host and port (per database, not per plane), and Neon's owner role Strata administers it as.
-- strata_database is the name in platform.databases; database_name the database's name inside Neon
-- (in branch placement, the template branch's database the branch inherited).
CREATE TABLE platform.neon_placements (
    tenant_id      uuid PRIMARY KEY REFERENCES platform.tenants (id) ON DELETE CASCADE,
    data_plane     text NOT NULL REFERENCES platform.data_planes (key),
    strata_database text NOT NULL,
    database_name  text NOT NULL,
    project_id     text NOT NULL,
    branch_id      text NOT NULL,
    endpoint_id    text NOT NULL,
    owner_role     text NOT NULL,
    owner_password text NOT NULL,
    host           text NOT NULL,
    port           integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    pooled_host    text,
    pooled_port    integer CHECK (pooled_port BETWEEN 1 AND 65535),
    cold_starts    bigint NOT NULL DEFAULT 0,
    last_woken_at  timestamptz,
    last_wake_ms   bigint,
    created_at     timestamptz NOT NULL DEFAULT now(),
    removed_at     timestamptz
);

CREATE UNIQUE INDEX neon_placements_database ON platform.neon_placements (data_plane, strata_database)
    WHERE removed_at IS NULL;
