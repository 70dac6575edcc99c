-- The "shop": an application schema of the tests, brought as the application's own migrations
-- (StrataConfig.tenantMigrations("classpath:db/shop")). It holds no policy, no RLS statement and no
-- grant: Strata makes every table with a tenant_id safe after each migration, and these tests prove it.
--
-- What it exercises: composite foreign keys with tenant_id, an identity column, jsonb, a
-- partitioned table with partitions (V2), views (V2) and a declared shared reference-data table.

-- Shared reference data: no tenant_id, declared as such; the app role may only read it.
CREATE TABLE currencies (
    code        text PRIMARY KEY CHECK (code ~ '^[A-Z]{3}$'),
    name        text NOT NULL,
    minor_units smallint NOT NULL
);
COMMENT ON TABLE currencies IS 'strata:reference-data (ISO 4217 currencies, the same for every tenant)';
INSERT INTO currencies (code, name, minor_units) VALUES
    ('EUR', 'Euro', 2), ('USD', 'US dollar', 2), ('JPY', 'Yen', 0);

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

-- An identity column: one sequence per schema, shared by the tenants of the table in RLS mode.
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
