-- A partitioned table (range by time, with a default partition) referencing orders, and views:
-- order_totals joins three tenant tables, customer_directory is a simple (updatable) one.

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

CREATE VIEW order_totals WITH (security_invoker = true) AS
    SELECT o.tenant_id, o.id AS order_id, c.name AS customer, o.currency,
           count(l.id) AS lines, coalesce(sum(l.quantity * l.unit_price), 0) AS total
      FROM orders o
      JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
      LEFT JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
     GROUP BY o.tenant_id, o.id, c.name, o.currency;

CREATE VIEW customer_directory WITH (security_invoker = true) AS
    SELECT tenant_id, id, name, email FROM customers;

ALTER TABLE customers ADD COLUMN tier text NOT NULL DEFAULT 'standard';
