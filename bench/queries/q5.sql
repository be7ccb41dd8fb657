-- Q5: per country and per theme: projects, projects without an amount, and amounts per
-- currency (each project's budget where stated, else its funders' stated amounts).
-- params: none
-- Read from the per-bucket sums the database keeps as the data changes (migration 0011,
-- db/tables/statistics.py), as coopgraph reads them: grouping every project again per
-- request (a GROUP BY over the projects, their links and their funders' amounts) took
-- 109 ms at scale 1 with this machine quiet, and grows with the projects.
WITH buckets AS (
  SELECT lower(grouped_by) AS grouping, ref AS key, sum(projects) AS project_count,
         sum(projects_without_amount) AS projects_without_amount
  FROM summary_bucket WHERE grouped_by IN ('COUNTRY', 'THEME')
  GROUP BY grouped_by, ref HAVING sum(projects) > 0
), amounts AS (
  SELECT grouping, key,
         json_agg(json_build_object('amount', amount, 'currency', currency,
                                    'records', records)) AS amounts
  FROM (
    SELECT lower(grouped_by) AS grouping, ref AS key, currency,
           sum(amount) AS amount, sum(records) AS records
    FROM summary_bucket_money WHERE grouped_by IN ('COUNTRY', 'THEME')
    GROUP BY grouped_by, ref, currency HAVING sum(records) > 0
  ) per_currency
  GROUP BY grouping, key
)
SELECT json_object_agg(grouping, buckets)
FROM (
  SELECT b.grouping,
         json_agg(json_build_object(
                    'key', b.key, 'project_count', b.project_count,
                    'projects_without_amount', b.projects_without_amount,
                    'amounts', a.amounts)
                  ORDER BY b.key) AS buckets
  FROM buckets b LEFT JOIN amounts a USING (grouping, key)
  GROUP BY b.grouping
) g
