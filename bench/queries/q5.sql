-- Q5: per country and per theme: projects, projects without an amount, and amounts per
-- currency (each project's budget where stated, else its funders' stated amounts).
-- params: none
WITH money AS (
  SELECT id AS project_id, budget_currency AS currency, budget_amount AS amount
  FROM project WHERE budget_amount IS NOT NULL
  UNION ALL
  SELECT pp.project_id, pp.currency, pp.amount
  FROM project_partner pp JOIN project p ON p.id = pp.project_id
  WHERE pp.role = 'FUNDING' AND pp.amount IS NOT NULL AND p.budget_amount IS NULL
), keyed AS (
  SELECT DISTINCT 'country' AS grouping, country_code AS key, project_id FROM project_country
  UNION ALL
  SELECT DISTINCT 'theme', theme_slug, project_id FROM project_theme
), buckets AS (
  SELECT grouping, key, count(*) AS project_count,
         count(*) FILTER (
           WHERE NOT EXISTS (SELECT FROM money m WHERE m.project_id = k.project_id)
         ) AS projects_without_amount
  FROM keyed k GROUP BY grouping, key
), amounts AS (
  SELECT grouping, key,
         json_agg(json_build_object('amount', amount, 'currency', currency,
                                    'records', records)) AS amounts
  FROM (
    SELECT k.grouping, k.key, m.currency,
           sum(m.amount) AS amount, count(DISTINCT m.project_id) AS records
    FROM keyed k JOIN money m ON m.project_id = k.project_id
    GROUP BY k.grouping, k.key, m.currency
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
