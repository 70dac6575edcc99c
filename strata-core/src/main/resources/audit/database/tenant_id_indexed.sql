-- Every policy filters on tenant_id; without an index leading with it each query scans the table.
SELECT 'WARNING' AS severity, current_database() AS database, t.name AS object,
       format('Table %s has no index whose first column is tenant_id: every row level security filter scans the whole '
              || 'table. Lead its primary key with tenant_id, or CREATE INDEX ON %s (tenant_id).', t.name, t.name) AS message
  FROM tenant_table t
 WHERE NOT EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = t.oid AND x.indkey[0] = t.tenant_attnum)
