-- The platform schema of every tenant database: the local tenant registry (a T1 and its T2s, or
-- the tenants sharing this database) and the tenant context protocol of the specification.

CREATE TABLE platform.tenants (
    id          uuid PRIMARY KEY,
    slug        text NOT NULL,
    tier        smallint NOT NULL CHECK (tier IN (1, 2)),
    parent_id   uuid,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenants_parent ON platform.tenants (parent_id);

-- The app role may read only its own row and its children's. Not FORCEd: the owner maintains it.
ALTER TABLE platform.tenants ENABLE ROW LEVEL SECURITY;

-- Context accessors. STABLE LANGUAGE sql so the planner inlines them; NULLIF turns the '' left
-- behind by an earlier transaction on the same connection into NULL: no context, no rows.
CREATE FUNCTION platform.current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

-- A context that names a tenant but no tier is a T2's: the narrowest reading, so a missing tier
-- can only ever show less. Strata leaves the tier out of a T2's context (one set_config less on
-- every transaction); set_tenant_context sets both.
CREATE FUNCTION platform.current_tenant_tier() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT COALESCE(NULLIF(current_setting('app.tenant_tier', true), '')::integer,
                          CASE WHEN NULLIF(current_setting('app.tenant_id', true), '') IS NOT NULL THEN 2 END) $$;

-- Transaction-local: the context ends with the transaction, so a pooled connection never hands
-- one tenant's context to the next transaction.
CREATE FUNCTION platform.set_tenant_context(tenant uuid, tier integer) RETURNS void
    LANGUAGE sql VOLATILE
    AS $$
        SELECT set_config('app.tenant_id', tenant::text, true),
               set_config('app.tenant_tier', tier::text, true)
    $$;

-- A T1 context's T2s (as registered in this database); empty for any other context. PL/pgSQL, so
-- that its query plan is cached for the session: a SQL function with a sub-query is never inlined
-- and would be parsed and planned again for every statement on a tenant table.
CREATE FUNCTION platform.t1_child_tenant_ids() RETURNS uuid[]
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
    BEGIN
        IF platform.current_tenant_tier() IS DISTINCT FROM 1 THEN
            RETURN '{}'::uuid[];
        END IF;
        RETURN ARRAY(SELECT t.id FROM platform.tenants t
                      WHERE t.parent_id = platform.current_tenant_id() AND t.tier = 2);
    END
    $$;

-- The tenants whose rows the current context may read: a T2 itself; a T1 itself and its T2s
-- (as registered in this database); nothing without a context or for any other tier.
--
-- Every statement on a tenant table evaluates it once (policies wrap it in a sub-SELECT), so it
-- is written without sub-queries: the planner inlines it, and a T2 context, the common case,
-- costs two current_setting calls. Policies compare with "tenant_id = ANY (...)", which btree
-- indexes serve in index order: a query that also filters "tenant_id = ?" (the application's own
-- filter, the third layer of defence) keeps an ordered index scan, so ORDER BY ... LIMIT reads a
-- few rows instead of all of the tenant's. (An OR of "tenant_id = current_tenant_id()" with a T1
-- branch was measured as no cheaper and turns such queries into bitmap scans plus a sort.)
CREATE FUNCTION platform.visible_tenant_ids() RETURNS uuid[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
        SELECT CASE platform.current_tenant_tier()
            WHEN 2 THEN ARRAY[platform.current_tenant_id()]
            WHEN 1 THEN platform.t1_child_tenant_ids()
                        || ARRAY[platform.current_tenant_id()]
            ELSE '{}'::uuid[]
        END
    $$;

CREATE POLICY tenant_registry_visibility ON platform.tenants
    FOR SELECT
    USING (id = (SELECT platform.current_tenant_id()) OR parent_id = (SELECT platform.current_tenant_id()));

-- Nobody but the owner creates objects anywhere (PostgreSQL 15+ already withholds this on public).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
