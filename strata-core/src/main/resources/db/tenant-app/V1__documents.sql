-- Application tables. Flyway runs this once per app schema: "app" (tables shared by RLS-mode
-- tenants) and "t_<tenant id>" (a schema-mode tenant), with search_path set to that schema.
--
-- Conventions for every tenant table: tenant_id in every key, ENABLE + FORCE row level security,
-- one policy per command: reads see the visible set (a T1 sees its T2s), writes only the context's own rows.

CREATE TABLE documents (
    tenant_id   uuid NOT NULL REFERENCES platform.tenants (id),
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
ALTER TABLE documents FORCE ROW LEVEL SECURITY;

-- Reads: the context's own rows, for everyone. A single equality: the planner uses it like the
-- application's own tenant filter (an index condition, an ordered index scan).
CREATE POLICY tenant_read ON documents FOR SELECT
    USING (tenant_id = (SELECT platform.current_tenant_id()));
-- And for T1 contexts only (their transactions run as the T1 context role): their T2s' rows.
-- Kept out of the policy every T2 transaction evaluates, so T2 reads pay nothing for it.
CREATE POLICY t1_reads_its_t2s ON documents FOR SELECT TO "${t1_context_role}"
    USING (tenant_id = ANY ((SELECT platform.t1_child_tenant_ids())::uuid[]));
CREATE POLICY tenant_insert ON documents FOR INSERT
    WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()));
CREATE POLICY tenant_update ON documents FOR UPDATE
    USING (tenant_id = (SELECT platform.current_tenant_id()))
    WITH CHECK (tenant_id = (SELECT platform.current_tenant_id()));
CREATE POLICY tenant_delete ON documents FOR DELETE
    USING (tenant_id = (SELECT platform.current_tenant_id()));
