-- API keys bound to tenants (issue 15): every key belongs to one tenant (T0, T1 or T2) and
-- administers that tenant's subtree; keys may expire; the control plane records when a key was
-- last used, who created it and who revoked it. Only the SHA-256 of a key's secret is stored.
ALTER TABLE platform.api_keys
    ADD COLUMN tenant_id    uuid REFERENCES platform.tenants (id),
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz,
    ADD COLUMN created_by   text,
    ADD COLUMN revoked_by   text;

-- Every key created before keys had tenants was the T0 admin key (the data directory's admin-key
-- file): it stays the operator's. A key left without a tenant is refused (fail closed).
UPDATE platform.api_keys SET tenant_id = (SELECT id FROM platform.tenants WHERE tier = 0) WHERE tenant_id IS NULL;

CREATE INDEX api_keys_tenant ON platform.api_keys (tenant_id);
