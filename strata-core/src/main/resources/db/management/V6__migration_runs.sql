-- The application's tenant migrations fan out to every app schema as one operation (kind
-- 'migrate', no tenant). At most one such run is live per installation: a second one conflicts.
CREATE UNIQUE INDEX operations_one_running_migration ON platform.operations ((true))
    WHERE kind = 'migrate' AND state = 'running';

-- What a run did to each target it touched (targets already up to date leave no row). The newest
-- row of a target tells `migrate status` why its last attempt failed.
CREATE TABLE platform.migration_targets (
    operation_id  uuid NOT NULL REFERENCES platform.operations (id) ON DELETE CASCADE,
    target        text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('template', 'database', 'schema', 'shared')),
    tenant_id     uuid,
    outcome       text NOT NULL CHECK (outcome IN ('migrated', 'failed')),
    from_version  text,
    to_version    text,
    error         text,
    finished_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (operation_id, target)
);
CREATE INDEX migration_targets_newest ON platform.migration_targets (target, finished_at DESC);
