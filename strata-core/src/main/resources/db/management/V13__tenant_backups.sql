-- Tenant backups (helper "backup", issue 16): archives of one tenant written to a backup directory.
CREATE TABLE platform.tenant_backups (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
    taken_at    timestamptz NOT NULL DEFAULT now(),
    status      text NOT NULL CHECK (status IN ('taking', 'complete', 'failed', 'deleted')),
    trigger     text NOT NULL CHECK (trigger IN ('on_demand', 'scheduled', 'preserve')),
    label       text,
    size_bytes  bigint NOT NULL DEFAULT 0,
    checksum    text,
    path        text,
    error       text,
    -- A T1's backup carries one of each of its RLS-mode T2s, taken with it: those rows name it here.
    part_of     uuid REFERENCES platform.tenant_backups (id),
    -- The process (its platform.routers id) taking it: a 'taking' backup whose process no longer
    -- holds a live lease was interrupted, and is recorded as failed by the next scheduler check.
    taken_by    uuid,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_backups_parts ON platform.tenant_backups (part_of) WHERE part_of IS NOT NULL;
CREATE INDEX tenant_backups_by_tenant ON platform.tenant_backups (tenant_id, taken_at DESC);

-- One schedule per tenant; a process claims a due one by moving next_due on in the same statement
-- (FOR UPDATE SKIP LOCKED), so two processes never take the same scheduled backup.
CREATE TABLE platform.backup_schedules (
    tenant_id     uuid PRIMARY KEY REFERENCES platform.tenants (id),
    every_seconds bigint NOT NULL CHECK (every_seconds >= 60),
    keep          integer NOT NULL CHECK (keep BETWEEN 1 AND 10000),
    next_due      timestamptz NOT NULL,
    last_error    text,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backup_schedules_due ON platform.backup_schedules (next_due);
