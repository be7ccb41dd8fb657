-- Q6: full-text search over projects, programmes, outcomes and beneficiary groups: the best
-- 20 with their rank and a highlighted snippet.
-- params: text
-- Ranked and highlighted as db/search.py does; the rank, a real, is printed as the double it
-- reads back as, the way the service answers it.
WITH query AS (
  SELECT websearch_to_tsquery('english'::regconfig, $1) AS q
), hits AS (
  SELECT 'project' AS kind, t.id, t.code, ts_rank_cd(t.search_vector, query.q) AS rank,
         concat_ws('. ', t.title, t.summary) AS document
  FROM project t, query WHERE t.search_vector @@ query.q
  UNION ALL
  SELECT 'programme', t.id, t.code, ts_rank_cd(t.search_vector, query.q),
         concat_ws('. ', t.name, t.description)
  FROM programme t, query WHERE t.search_vector @@ query.q
  UNION ALL
  SELECT 'outcome', t.id, t.code, ts_rank_cd(t.search_vector, query.q),
         concat_ws('. ', t.statement, t.indicator)
  FROM outcome t, query WHERE t.search_vector @@ query.q
  UNION ALL
  SELECT 'beneficiary_group', t.id, t.code, ts_rank_cd(t.search_vector, query.q),
         concat_ws('. ', t.description, t.location)
  FROM beneficiary_group t, query WHERE t.search_vector @@ query.q
), best AS (
  SELECT * FROM hits ORDER BY rank DESC, kind, id LIMIT 20
)
SELECT json_agg(json_build_object(
         'rank', best.rank::float8,
         'snippet', ts_headline('english'::regconfig, best.document, query.q,
                                'StartSel=<mark>, StopSel=</mark>, MaxFragments=2, '
                                'MinWords=5, MaxWords=24'),
         'code', best.code)
       ORDER BY best.rank DESC, best.kind, best.id)
FROM best, query
