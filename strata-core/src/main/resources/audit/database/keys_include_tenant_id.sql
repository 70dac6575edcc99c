-- Unique, primary-key, exclusion and foreign-key checks ignore row level security, so a key
-- without tenant_id tells one tenant what another holds (error 23505, ON CONFLICT raising
-- instead of skipping) and a foreign key can point at another tenant's row.
SELECT 'VIOLATION' AS severity, current_database() AS database, format('%I.%I', t.nspname, i.relname) AS object,
       format('%s %I on %s does not include tenant_id: its check ignores row level security, so a tenant learns whether '
              || 'another tenant holds a value (error 23505, or ON CONFLICT raising instead of skipping). Recreate it with '
              || 'tenant_id as a key column, e.g. %s.',
              CASE k.contype WHEN 'p' THEN 'Primary key' WHEN 'u' THEN 'Unique constraint'
                             WHEN 'x' THEN 'Exclusion constraint' ELSE 'Unique index' END,
              i.relname, t.name,
              CASE WHEN k.contype = 'p' THEN 'PRIMARY KEY (tenant_id, ...)' ELSE 'UNIQUE (tenant_id, ...)' END) AS message
  FROM tenant_table t
  JOIN pg_index x ON x.indrelid = t.oid AND (x.indisunique OR x.indisexclusion)
  JOIN pg_class i ON i.oid = x.indexrelid
  LEFT JOIN pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x')
 WHERE NOT EXISTS (SELECT 1 FROM generate_series(0, x.indnkeyatts - 1) AS g
                    WHERE x.indkey[g] = t.tenant_attnum)
UNION ALL
SELECT CASE WHEN fk.target = 'reference' THEN 'WARNING' ELSE 'VIOLATION' END, current_database(),
       format('%I.%I', t.nspname, k.conname),
       CASE fk.target
           WHEN 'reference'
               THEN format('Foreign key %I on %s references %s, which has no tenant_id: its check tells every tenant which '
                           || 'values that table holds. Fine for shared reference data; if %s holds tenant data, give it '
                           || 'tenant_id and include it in the key.',
                           k.conname, t.name, k.confrelid::regclass, k.confrelid::regclass)
           WHEN 'registry'
               THEN format('Foreign key %I on %s references the tenant registry %s by a column other than tenant_id: the '
                           || 'check ignores row level security, so it reveals which tenants exist. Reference tenants only '
                           || 'as FOREIGN KEY (tenant_id) REFERENCES platform.tenants (id).',
                           k.conname, t.name, k.confrelid::regclass)
           ELSE format('Foreign key %I on %s references %s without matching tenant_id to its tenant_id: the check ignores '
                       || 'row level security, so a row can point at another tenant''s row and reveal that it exists. '
                       || 'Recreate it as FOREIGN KEY (tenant_id, ...) REFERENCES %s (tenant_id, ...).',
                       k.conname, t.name, k.confrelid::regclass, k.confrelid::regclass)
       END
  FROM tenant_table t
  JOIN pg_constraint k ON k.conrelid = t.oid AND k.contype = 'f'
 CROSS JOIN LATERAL (
       SELECT CASE WHEN k.confrelid = to_regclass('platform.tenants') THEN 'registry'
                   WHEN k.confrelid IN (SELECT oid FROM tenant_table) THEN 'tenant'
                   ELSE 'reference' END AS target,
              (SELECT a.attname FROM unnest(k.conkey, k.confkey) AS pair (col, refcol)
                 JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = pair.refcol
                WHERE pair.col = t.tenant_attnum) AS paired_with) fk
 WHERE (fk.target = 'reference' AND k.confrelid NOT IN (SELECT oid FROM reference_table))
    OR fk.paired_with IS DISTINCT FROM CASE fk.target WHEN 'registry' THEN 'id' ELSE 'tenant_id' END
