-- Lifecycle operations serialise per T1 subtree and are owned by one process at a time.
--
-- A decommission first marks the tenants it removes 'decommissioning' (no new work, no new
-- children, no resume), then drops their data, then marks them 'decommissioned'.
ALTER TABLE platform.tenants DROP CONSTRAINT tenants_status_check;
ALTER TABLE platform.tenants ADD CONSTRAINT tenants_status_check CHECK (status IN
    ('provisioning', 'active', 'suspended', 'migrating', 'decommissioning', 'decommissioned'));

-- Every running operation is claimed by exactly one process (owner, a per-process id) with a
-- lease its owner's heartbeat renews. Another process takes an operation over (resumes or rolls
-- it back) only once its lease has expired, with one conditional UPDATE. A NULL lease (a finished
-- operation, or one journalled before leases existed) counts as expired.
ALTER TABLE platform.operations
    ADD COLUMN owner             text,
    ADD COLUMN lease_expires_at  timestamptz,
    ADD COLUMN attempts          integer NOT NULL DEFAULT 1;

CREATE INDEX operations_claimable ON platform.operations (started_at) WHERE state = 'running';
