-- Q4: projects in one country, of one status, with a budget in one currency, largest budget
-- first: the first 50 and how many there are.
-- params: country, status, currency
WITH matching AS (
  SELECT p.id, p.code, p.title, p.status, p.budget_amount, p.budget_currency
  FROM project p
  WHERE p.status = $2 AND p.budget_currency = $3
    AND EXISTS (
      SELECT FROM project_country pc WHERE pc.project_id = p.id AND pc.country_code = $1)
)
SELECT json_build_object(
  'total_count', (SELECT count(*) FROM matching),
  'projects', (
    SELECT json_agg(json_build_object(
             'code', m.code, 'title', m.title, 'status', m.status,
             'budget_amount', m.budget_amount, 'budget_currency', m.budget_currency,
             'countries', (SELECT json_agg(pc.country_code)
                           FROM project_country pc WHERE pc.project_id = m.id))
           ORDER BY m.budget_amount DESC, m.id DESC)
    FROM (SELECT * FROM matching ORDER BY budget_amount DESC, id DESC LIMIT 50) m))
