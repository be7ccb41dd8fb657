-- Q3: node lookup of one project with everything about it.
-- params: project (its id)
SELECT json_build_object(
  'code', p.code, 'title', p.title, 'acronym', p.acronym, 'summary', p.summary,
  'status', p.status, 'status_as_of', p.status_as_of,
  'planned_start', p.planned_start, 'planned_start_precision', p.planned_start_precision,
  'planned_end', p.planned_end, 'planned_end_precision', p.planned_end_precision,
  'actual_start', p.actual_start, 'actual_start_precision', p.actual_start_precision,
  'actual_end', p.actual_end, 'actual_end_precision', p.actual_end_precision,
  'duration_months', p.duration_months,
  'budget_amount', p.budget_amount, 'budget_currency', p.budget_currency,
  'budget_amount_qualifier', p.budget_amount_qualifier,
  'previous_phase', (SELECT v.code FROM project v WHERE v.id = p.previous_phase_id),
  'programmes', (
    SELECT json_agg(json_build_object('code', g.code, 'name', g.name))
    FROM project_programme pp JOIN programme g ON g.id = pp.programme_id
    WHERE pp.project_id = p.id),
  'partners', (
    SELECT json_agg(json_build_object(
             'role', pp.role, 'amount', pp.amount, 'currency', pp.currency,
             'amount_qualifier', pp.amount_qualifier, 'code', o.code, 'name', o.name,
             'acronym', o.acronym, 'kind', o.kind,
             'parent', (SELECT u.code FROM partner u WHERE u.id = o.parent_id)))
    FROM project_partner pp JOIN partner o ON o.id = pp.partner_id
    WHERE pp.project_id = p.id),
  'countries', (
    SELECT json_agg(json_build_object(
             'role', pc.role, 'percentage', pc.percentage,
             'code', c.code, 'name', c.name, 'region', c.region))
    FROM project_country pc JOIN country c ON c.code = pc.country_code
    WHERE pc.project_id = p.id),
  'themes', (
    SELECT json_agg(json_build_object('slug', t.slug, 'name', t.name))
    FROM project_theme pt JOIN theme t ON t.slug = pt.theme_slug
    WHERE pt.project_id = p.id),
  'beneficiary_groups', (
    SELECT json_agg(json_build_object(
             'code', b.code, 'description', b.description, 'categories', b.categories,
             'target_count', b.target_count, 'target_count_qualifier', b.target_count_qualifier,
             'reached_count', b.reached_count,
             'reached_count_qualifier', b.reached_count_qualifier,
             'women_share', b.women_share, 'women_share_qualifier', b.women_share_qualifier,
             'location', b.location, 'country', b.country_code,
             'sources', (
               SELECT json_agg(json_build_object('document', d.file_name, 'excerpt', x.excerpt))
               FROM citation x JOIN source_document d ON d.id = x.document_id
               WHERE x.beneficiary_group_id = b.id))
           ORDER BY b.code)
    FROM beneficiary_group b WHERE b.project_id = p.id),
  'outcomes', (
    SELECT json_agg(json_build_object(
             'code', o.code, 'kind', o.kind, 'statement', o.statement,
             'indicator', o.indicator, 'unit', o.unit, 'measure', o.measure,
             'baseline_year', o.baseline_year,
             'baseline', o.baseline, 'baseline_qualifier', o.baseline_qualifier,
             'target', o.target, 'target_qualifier', o.target_qualifier,
             'actual', o.actual, 'actual_qualifier', o.actual_qualifier,
             'period_start', o.period_start, 'period_precision', o.period_precision,
             'period_end', o.period_end,
             'sources', (
               SELECT json_agg(json_build_object('document', d.file_name, 'excerpt', x.excerpt))
               FROM citation x JOIN source_document d ON d.id = x.document_id
               WHERE x.outcome_id = o.id))
           ORDER BY o.code)
    FROM outcome o WHERE o.project_id = p.id),
  'sources', (
    SELECT json_agg(json_build_object(
             'document', d.file_name, 'title', d.title, 'excerpt', x.excerpt))
    FROM citation x JOIN source_document d ON d.id = x.document_id
    WHERE x.project_id = p.id))
FROM project p
WHERE p.id = $1
