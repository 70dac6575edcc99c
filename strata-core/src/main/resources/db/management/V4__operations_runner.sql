-- One operations runner for every long operation: provisioning, decommissioning, imports, the
-- migration fan-out (which belongs to no tenant), later moves and Neon's asynchronous calls.
--
-- An operation an operator aborted (compensated after its owner's lease expired) ends 'aborted'.
-- Progress (steps or targets done out of a total) is persisted so that any process can show it.
ALTER TABLE platform.operations ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE platform.operations DROP CONSTRAINT operations_state_check;
ALTER TABLE platform.operations ADD CONSTRAINT operations_state_check CHECK (state IN
    ('running', 'succeeded', 'failed', 'rolled_back', 'aborted'));
ALTER TABLE platform.operations ADD COLUMN progress jsonb NOT NULL DEFAULT '{}';
