-- Per-tenant overrides of the tier limits in the configuration (TenantLimits): a tenant without a
-- row here runs with its tier's limits. Changes reach every process's routing cache through the
-- strata_routing channel, like placement changes.
CREATE TABLE platform.tenant_limits (
    tenant_id                    uuid PRIMARY KEY REFERENCES platform.tenants (id),
    max_concurrent_transactions  integer NOT NULL CHECK (max_concurrent_transactions > 0),
    acquire_timeout_ms           bigint NOT NULL CHECK (acquire_timeout_ms >= 0),
    statement_timeout_ms         bigint NOT NULL CHECK (statement_timeout_ms >= 0),
    updated_at                   timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER tenant_limits_routing_change AFTER INSERT OR UPDATE OR DELETE ON platform.tenant_limits
    FOR EACH ROW EXECUTE FUNCTION platform.notify_placement_change();

