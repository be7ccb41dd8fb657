-- Q2b: a partner with few projects (Q2 for the other end) -> its first 100 projects -> outcomes.
-- params: small_partner
WITH page AS (
  SELECT DISTINCT ON (p.code COLLATE "C") p.id, p.code, p.title
  FROM partner pa
  JOIN project_partner pp ON pp.partner_id = pa.id
  JOIN project p ON p.id = pp.project_id
  WHERE pa.code = $1
  ORDER BY p.code COLLATE "C"
  LIMIT 100
)
SELECT json_build_object(
  'code', pa.code,
  'name', pa.name,
  'projects', (
    SELECT json_agg(json_build_object(
             'code', page.code,
             'title', page.title,
             'outcomes', (
               SELECT json_agg(json_build_object(
                        'code', o.code, 'kind', o.kind, 'statement', o.statement,
                        'target', o.target, 'actual', o.actual)
                      ORDER BY o.code)
               FROM outcome o WHERE o.project_id = page.id))
           ORDER BY page.code COLLATE "C")
    FROM page))
FROM partner pa
WHERE pa.code = $1
