-- The T0 management database: the registry of every tenant, where its data lives, and the
-- journals of long operations. Only Strata's administrator role reads or writes it.

CREATE TABLE platform.tenants (
    id                 uuid PRIMARY KEY,
    slug               text NOT NULL CHECK (slug ~ '^[a-z][a-z0-9-]{1,62}$'),
    display_name       text NOT NULL,
    tier               smallint NOT NULL CHECK (tier IN (0, 1, 2)),
    parent_id          uuid REFERENCES platform.tenants (id),
    status             text NOT NULL CHECK (status IN ('provisioning', 'active', 'suspended', 'migrating', 'decommissioned')),
    region             text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    decommissioned_at  timestamptz,
    CONSTRAINT t0_has_no_parent CHECK ((tier = 0) = (parent_id IS NULL))
);

-- Exactly one operator.
CREATE UNIQUE INDEX tenants_single_t0 ON platform.tenants ((true)) WHERE tier = 0;
-- A slug names one live tenant; decommissioned rows stay for audit and free their slug.
CREATE UNIQUE INDEX tenants_live_slug ON platform.tenants (slug) WHERE status <> 'decommissioned';
CREATE INDEX tenants_parent ON platform.tenants (parent_id);

-- A T1's parent is the T0, a T2's parent is a T1; id, tier and parent never change.
CREATE FUNCTION platform.enforce_tenant_hierarchy() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    parent_tier smallint;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF NEW.id <> OLD.id OR NEW.tier <> OLD.tier OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
            RAISE EXCEPTION 'tenant id, tier and parent are immutable' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.parent_id IS NOT NULL THEN
        SELECT tier INTO parent_tier FROM platform.tenants WHERE id = NEW.parent_id;
        IF parent_tier IS DISTINCT FROM NEW.tier - 1 THEN
            RAISE EXCEPTION 'a tier % tenant needs a tier % parent', NEW.tier, NEW.tier - 1
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER tenants_hierarchy BEFORE INSERT OR UPDATE ON platform.tenants
    FOR EACH ROW EXECUTE FUNCTION platform.enforce_tenant_hierarchy();

-- PostgreSQL servers that hold tenant databases. Credentials are not stored here: each process
-- gets them from its configuration.
CREATE TABLE platform.data_planes (
    key         text PRIMARY KEY,
    kind        text NOT NULL CHECK (kind IN ('postgres', 'neon')),
    region      text,
    capacity    integer,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Databases Strata created, each with the one app role the request path uses for it.
CREATE TABLE platform.databases (
    data_plane      text NOT NULL REFERENCES platform.data_planes (key),
    name            text NOT NULL,
    purpose         text NOT NULL CHECK (purpose IN ('tenant', 'shared_rls', 'shared_schema')),
    owner_tenant_id uuid REFERENCES platform.tenants (id),
    app_role        text NOT NULL UNIQUE,
    app_password    text NOT NULL,
    schema_version  integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    dropped_at      timestamptz,
    PRIMARY KEY (data_plane, name)
);

-- Where each tenant's data lives. version is bumped on every change so caches can compare.
CREATE TABLE platform.placements (
    tenant_id       uuid PRIMARY KEY REFERENCES platform.tenants (id),
    mode            text NOT NULL CHECK (mode IN ('rls', 'schema', 'database')),
    data_plane      text NOT NULL,
    database_name   text NOT NULL,
    schema_name     text NOT NULL,
    schema_version  integer NOT NULL DEFAULT 0,
    version         bigint NOT NULL DEFAULT 1,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (data_plane, database_name) REFERENCES platform.databases (data_plane, name)
);
CREATE INDEX placements_database ON platform.placements (data_plane, database_name);

-- Journal of long operations (provisioning, decommissioning, imports, moves): each step is
-- recorded before and after it runs so that a crash can be resumed or rolled back.
CREATE TABLE platform.operations (
    id           uuid PRIMARY KEY,
    kind         text NOT NULL,
    tenant_id    uuid NOT NULL REFERENCES platform.tenants (id),
    state        text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed', 'rolled_back')),
    steps        jsonb NOT NULL DEFAULT '[]',
    detail       jsonb NOT NULL DEFAULT '{}',
    error        text,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz
);
CREATE INDEX operations_running ON platform.operations (tenant_id) WHERE state = 'running';

-- Who did what to which tenant, kept after the tenant is gone.
CREATE TABLE platform.tenant_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES platform.tenants (id),
    at         timestamptz NOT NULL DEFAULT now(),
    action     text NOT NULL,
    actor      text NOT NULL,
    detail     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX tenant_events_tenant ON platform.tenant_events (tenant_id, at);

-- Control-plane API keys: only a hash is kept.
CREATE TABLE platform.api_keys (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    key_hash    bytea NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Per-tenant activity, flushed by every Strata process, read by `strata tenants top`.
CREATE TABLE platform.tenant_activity (
    tenant_id      uuid NOT NULL,
    period_start   timestamptz NOT NULL,
    instance_id    uuid NOT NULL,
    transactions   bigint NOT NULL DEFAULT 0,
    errors         bigint NOT NULL DEFAULT 0,
    throttled      bigint NOT NULL DEFAULT 0,
    total_micros   bigint NOT NULL DEFAULT 0,
    max_micros     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (period_start, tenant_id, instance_id)
);

-- Routing caches in every process listen on this channel; the payload is the tenant id.
-- Notifications are sent at commit, so no cache drops an entry before the change is visible.
CREATE FUNCTION platform.notify_tenant_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('strata_routing', NEW.id::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION platform.notify_placement_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('strata_routing', COALESCE(NEW.tenant_id, OLD.tenant_id)::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER tenants_routing_change AFTER UPDATE ON platform.tenants
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION platform.notify_tenant_change();

CREATE TRIGGER placements_routing_change AFTER UPDATE OR DELETE ON platform.placements
    FOR EACH ROW EXECUTE FUNCTION platform.notify_placement_change();
