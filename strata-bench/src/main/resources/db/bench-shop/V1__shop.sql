-- Benchmark 9's application schema (the move): the tests' shop, four tenant tables joined by
-- composite foreign keys with tenant_id, an identity column, jsonb and a partitioned table. Strata
-- adds RLS, the standard policies and the grants itself. The benchmark also runs this script as
-- it is in a scratch database of the second server, as the raw COPY's target.

CREATE TABLE customers (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    name        text NOT NULL,
    email       text NOT NULL,
    profile     jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, email)
);

CREATE TABLE orders (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    customer_id uuid NOT NULL,
    currency    text NOT NULL DEFAULT 'EUR',
    placed_at   timestamptz NOT NULL DEFAULT now(),
    attributes  jsonb,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);

CREATE TABLE order_lines (
    tenant_id   uuid NOT NULL,
    id          bigint GENERATED ALWAYS AS IDENTITY,
    order_id    uuid NOT NULL,
    sku         text NOT NULL,
    quantity    integer NOT NULL CHECK (quantity > 0),
    unit_price  numeric(12, 2) NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
);
CREATE INDEX order_lines_by_order ON order_lines (tenant_id, order_id);

CREATE TABLE events (
    tenant_id   uuid NOT NULL,
    id          uuid NOT NULL DEFAULT gen_random_uuid(),
    occurred_at timestamptz NOT NULL,
    kind        text NOT NULL,
    order_id    uuid,
    payload     jsonb NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (tenant_id, occurred_at, id),
    FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE events_other PARTITION OF events DEFAULT;
