-- Q5: per country and per theme: projects, projects without an amount, and amounts per
-- currency (each project's budget where stated, else its funders' stated amounts).
-- params: none
-- Read from the per-bucket sums the database keeps as the data changes (migrations 0011
-- and 0012, db/tables/statistics.py: one row per bucket, and per bucket and currency), as
-- coopgraph reads them: grouping every project again per request (a GROUP BY over the
-- projects, their links and their funders' amounts) took 109 ms at scale 1 with this
-- machine quiet, and grows with the projects.
WITH amounts AS (
  SELECT lower(grouped_by) AS grouping, ref AS key,
         json_agg(json_build_object('amount', amount, 'currency', currency,
                                    'records', records)) AS amounts
  FROM summary_bucket_money
  WHERE grouped_by IN ('COUNTRY', 'THEME') AND records > 0
  GROUP BY grouped_by, ref
)
SELECT json_object_agg(grouping, buckets)
FROM (
  SELECT lower(b.grouped_by) AS grouping,
         json_agg(json_build_object(
                    'key', b.ref, 'project_count', b.projects,
                    'projects_without_amount', b.projects_without_amount,
                    'amounts', a.amounts)
                  ORDER BY b.ref) AS buckets
  FROM summary_bucket b
  LEFT JOIN amounts a ON a.grouping = lower(b.grouped_by) AND a.key = b.ref
  WHERE b.grouped_by IN ('COUNTRY', 'THEME') AND b.projects > 0
  GROUP BY b.grouped_by
) g
