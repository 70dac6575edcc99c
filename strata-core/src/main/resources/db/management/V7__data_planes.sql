-- Data planes added at run time (`strata planes add`): how Strata's administrator reaches each
-- server, what the server reported when it was checked, and whether new T1s may land there.
-- The configured plane 'default' keeps its credentials in each process's configuration (its
-- connection columns stay NULL). Only Strata's administrator role can read this database; see
-- docs/security.md, "Data plane credentials".
ALTER TABLE platform.data_planes
    ADD COLUMN host            text,
    ADD COLUMN port            integer CHECK (port BETWEEN 1 AND 65535),
    ADD COLUMN admin_database  text,
    ADD COLUMN admin_user      text,
    ADD COLUMN admin_password  text,
    ADD COLUMN options         jsonb NOT NULL DEFAULT '{}',
    ADD COLUMN status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'draining')),
    ADD COLUMN wal_level       text,
    ADD COLUMN server_version  text,
    ADD COLUMN server_identity text,
    ADD COLUMN embedded        boolean NOT NULL DEFAULT false,
    ADD COLUMN drain_operation uuid,
    ADD COLUMN updated_at      timestamptz NOT NULL DEFAULT now(),
    ADD CONSTRAINT data_planes_key_syntax CHECK (key ~ '^[a-z][a-z0-9-]{0,23}$'),
    ADD CONSTRAINT data_planes_capacity_positive CHECK (capacity IS NULL OR capacity > 0),
    ADD CONSTRAINT data_planes_connection CHECK (key = 'default' OR (host IS NOT NULL AND port IS NOT NULL
        AND admin_database IS NOT NULL AND admin_user IS NOT NULL));

-- One physical server is one plane: two planes on the same server would share database names.
CREATE UNIQUE INDEX data_planes_server ON platform.data_planes (server_identity) WHERE server_identity IS NOT NULL;

-- Every process caches how to reach a plane; a change of a plane's row (its connection after an
-- embedded server restarted on another port, its status) drops that entry everywhere. The payload
-- is not a tenant id, so routing caches drop everything too, which is harmless and rare.
CREATE FUNCTION platform.notify_plane_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('strata_routing', 'plane:' || COALESCE(NEW.key, OLD.key));
    RETURN NULL;
END
$$;

CREATE TRIGGER data_planes_change AFTER UPDATE OR DELETE ON platform.data_planes
    FOR EACH ROW EXECUTE FUNCTION platform.notify_plane_change();
