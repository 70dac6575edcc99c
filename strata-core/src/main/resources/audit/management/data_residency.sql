-- A tenant's data outside its region: a live T1 or T2 whose region (its own, else its T1's) is not
-- the region of the plane its data sits on (another region, or none), after a forced move or a
-- plane whose region changed. A tenant without a region is not a finding.
SELECT 'WARNING' AS severity, p.database_name AS database, t.slug AS object,
       format('Tenant %s (%s) is in region %s, but its data is on data plane %s, which is %s (database %s). '
              || 'Move it to a plane of its region: strata tenants move %s --plane <a plane of region %s>.',
              quote_literal(t.slug), t.id, quote_literal(coalesce(t.region, parent.region)), quote_literal(dp.key),
              CASE WHEN dp.region IS NULL THEN 'in no region' ELSE 'in region ' || quote_literal(dp.region) END,
              p.database_name, t.slug, quote_literal(coalesce(t.region, parent.region))) AS message
  FROM platform.tenants t
  JOIN platform.placements p ON p.tenant_id = t.id
  JOIN platform.data_planes dp ON dp.key = p.data_plane
  LEFT JOIN platform.tenants parent ON parent.id = t.parent_id AND t.tier = 2
 WHERE t.tier IN (1, 2)
   AND t.status NOT IN ('decommissioned', 'decommissioning')
   AND coalesce(t.region, parent.region) IS NOT NULL
   AND coalesce(t.region, parent.region) IS DISTINCT FROM dp.region
