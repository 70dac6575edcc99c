-- Online moves (issue 14): the write freeze of a moving tenant, and the routers that must all
-- have seen it before the routing flips.
--
-- A placement frozen by a move names the move (frozen_by) and how long the tenant's new
-- transactions wait for the freeze to end before they fail with TENANT_MOVING (frozen_wait_ms).
-- Freezing bumps the version and notifies like any placement change.
ALTER TABLE platform.placements
    ADD COLUMN frozen_by       uuid,
    ADD COLUMN frozen_wait_ms  integer;

-- Every process that routes tenant transactions, with a lease its heartbeat renews. A process
-- whose lease ran out stops serving until it renews it (it cannot know about freezes).
CREATE TABLE platform.routers (
    id                uuid PRIMARY KEY,
    description       text NOT NULL,
    started_at        timestamptz NOT NULL DEFAULT now(),
    lease_expires_at  timestamptz NOT NULL
);

-- A router's acknowledgement that it holds a frozen tenant's new transactions and that none of
-- its transactions of that tenant begun before the freeze is still running: version is the
-- frozen placement's.
CREATE TABLE platform.route_acks (
    router_id  uuid NOT NULL REFERENCES platform.routers (id) ON DELETE CASCADE,
    tenant_id  uuid NOT NULL,
    version    bigint NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (router_id, tenant_id)
);
