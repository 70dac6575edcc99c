-- A sequence shared by the tenants of a table hands out ids in one series: the gaps between a
-- tenant's ids tell it how many rows the others wrote.
SELECT 'WARNING' AS severity, current_database() AS database, format('%s.%I', t.name, a.attname) AS object,
       format('Column %I of %s takes its values from a sequence shared by every tenant of the table: the gaps between one '
              || 'tenant''s ids reveal how much the others write. Prefer random ids (uuid DEFAULT gen_random_uuid()).',
              a.attname, t.name) AS message
  FROM tenant_table t
  JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = t.oid AND d.adnum = a.attnum
 WHERE a.attidentity <> '' OR pg_get_expr(d.adbin, d.adrelid) ~* '\mnextval\('
