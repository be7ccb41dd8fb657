-- Q1: a page of 50 projects (by code) with programmes, partners and roles, countries,
-- beneficiary groups and outcomes.
-- params: none
SELECT json_agg(page ORDER BY page.code COLLATE "C")
FROM (
  SELECT
    p.code, p.title, p.status, p.budget_amount, p.budget_currency,
    (SELECT json_agg(json_build_object('code', g.code, 'name', g.name))
       FROM project_programme pp JOIN programme g ON g.id = pp.programme_id
      WHERE pp.project_id = p.id) AS programmes,
    (SELECT json_agg(json_build_object('role', pp.role, 'code', o.code, 'name', o.name))
       FROM project_partner pp JOIN partner o ON o.id = pp.partner_id
      WHERE pp.project_id = p.id) AS partners,
    (SELECT json_agg(json_build_object('code', c.code, 'name', c.name))
       FROM project_country pc JOIN country c ON c.code = pc.country_code
      WHERE pc.project_id = p.id) AS countries,
    (SELECT json_agg(json_build_object(
              'code', b.code, 'description', b.description, 'target_count', b.target_count)
            ORDER BY b.code)
       FROM beneficiary_group b WHERE b.project_id = p.id) AS beneficiary_groups,
    (SELECT json_agg(json_build_object(
              'code', o.code, 'kind', o.kind, 'statement', o.statement,
              'target', o.target, 'actual', o.actual)
            ORDER BY o.code)
       FROM outcome o WHERE o.project_id = p.id) AS outcomes
  FROM project p
  ORDER BY p.code COLLATE "C"
  LIMIT 50
) page
