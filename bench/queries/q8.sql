-- Q8: a funding flow three hops downstream from a project at the head of a chain: the
-- projects and organisations reached and the money between them per transaction type and
-- reporting project, in original currencies and converted into US dollars.
-- params: chain (a project's code)
WITH RECURSIVE walk(project_id, depth, direction) AS (
  SELECT r.id, 0, d.direction
  FROM (SELECT unnest(ARRAY(SELECT id FROM project WHERE code = $1)) AS id
        UNION
        SELECT id FROM project WHERE reporting_org_partner_id = NULL) AS r,
       unnest(ARRAY['DOWN']) AS d(direction)
  UNION
  SELECT n.project_id, w.depth + 1, w.direction
  FROM walk w
  JOIN project me ON me.id = w.project_id
  CROSS JOIN LATERAL (
    SELECT r.id AS project_id FROM activity_transaction t
    JOIN project r ON r.iati_identifier = t.receiver_activity_id
    WHERE w.direction = 'DOWN' AND t.project_id = w.project_id
      AND t.transaction_type IN ('2', '3', '4', '12')
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE w.direction = 'DOWN' AND t.provider_activity_id = me.iati_identifier
      AND t.transaction_type IN ('1', '11', '13')
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE w.direction = 'DOWN' AND pp.activity_id = me.iati_identifier
      AND pp.role = 'FUNDING'
    UNION
    SELECT s.id FROM activity_transaction t
    JOIN project s ON s.iati_identifier = t.provider_activity_id
    WHERE w.direction = 'UP' AND t.project_id = w.project_id
      AND t.transaction_type IN ('1', '11', '13')
    UNION
    SELECT t.project_id FROM activity_transaction t
    WHERE w.direction = 'UP' AND t.receiver_activity_id = me.iati_identifier
      AND t.transaction_type IN ('2', '3', '4', '12')
    UNION
    SELECT pp.project_id FROM project_partner pp
    WHERE w.direction = 'UP' AND pp.activity_id = me.iati_identifier
      AND pp.role IN ('IMPLEMENTING', 'EXTENDING')
  ) n
  WHERE w.depth < 3 AND n.project_id <> w.project_id
),
visited AS (
  SELECT project_id, direction, min(depth) AS depth FROM walk GROUP BY project_id, direction
),
linked AS (
  SELECT t.id, t.project_id AS reporter, 'P:' || t.project_id AS source,
         coalesce('P:' || r.id, 'A:' || t.receiver_activity_id, 'O:' || coalesce(o.code, t.receiver_org_ref, t.receiver_org_narratives->0->>'text', 'unnamed'))
           AS target,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
           AS on_date
  FROM visited v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project r ON r.iati_identifier = t.receiver_activity_id
  LEFT JOIN partner o ON o.id = t.receiver_partner_id
  WHERE v.direction = 'DOWN' AND v.depth < 3 AND t.transaction_type IN ('2', '3', '4', '12')
  UNION
  SELECT t.id, t.project_id, 'P:' || v.project_id, 'P:' || t.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN project me ON me.id = v.project_id
  JOIN activity_transaction t ON t.provider_activity_id = me.iati_identifier
  WHERE v.direction = 'DOWN' AND v.depth < 3 AND t.transaction_type IN ('1', '11', '13')
    AND t.project_id <> v.project_id
  UNION
  SELECT t.id, t.project_id,
         coalesce('P:' || s.id, 'A:' || t.provider_activity_id, 'O:' || coalesce(o.code, t.provider_org_ref, t.provider_org_narratives->0->>'text', 'unnamed')),
         'P:' || t.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN activity_transaction t ON t.project_id = v.project_id
  LEFT JOIN project s ON s.iati_identifier = t.provider_activity_id
  LEFT JOIN partner o ON o.id = t.provider_partner_id
  WHERE v.direction = 'UP' AND v.depth < 3 AND t.transaction_type IN ('1', '11', '13')
  UNION
  SELECT t.id, t.project_id, 'P:' || t.project_id, 'P:' || v.project_id,
         t.transaction_type, t.value, t.currency, coalesce(t.value_date, t.transaction_date)
  FROM visited v
  JOIN project me ON me.id = v.project_id
  JOIN activity_transaction t ON t.receiver_activity_id = me.iati_identifier
  WHERE v.direction = 'UP' AND v.depth < 3 AND t.transaction_type IN ('2', '3', '4', '12')
    AND t.project_id <> v.project_id
),
rates AS (
  SELECT d.currency, d.on_date, fx.rate
  FROM (SELECT DISTINCT currency, on_date FROM linked
        WHERE 'USD' IS NOT NULL AND currency IS NOT NULL) d
  LEFT JOIN LATERAL (
      SELECT * FROM (
        SELECT 'SAME_CURRENCY' AS source, d.on_date AS rate_date, 1::numeric AS rate, 0 AS rank
        WHERE d.currency = 'USD'
        UNION ALL
        (SELECT 'ECB_DAILY', f.rate_date, t.rate / f.rate, 1
           FROM exchange_rate f
           JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                               AND t.currency = 'USD'
          WHERE f.source = 'ECB_DAILY' AND f.currency = d.currency
            AND f.rate_date <= d.on_date AND f.rate_date > d.on_date - 7
          ORDER BY f.rate_date DESC LIMIT 1)
        UNION ALL
        (SELECT 'IMF_ANNUAL', f.rate_date, t.rate / f.rate, 2
           FROM exchange_rate f
           JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                               AND t.currency = 'USD'
          WHERE f.source = 'IMF_ANNUAL' AND f.currency = d.currency
            AND f.rate_date = make_date(extract(year FROM d.on_date)::int, 12, 31))
      ) candidates ORDER BY rank LIMIT 1
    ) fx ON true
),
edges AS (
  SELECT l.source, l.target, l.transaction_type, l.reporter, l.currency,
         sum(l.value) AS amount, count(*) AS transactions,
         array_agg(l.id ORDER BY l.on_date, l.id) AS transaction_ids,
         round(sum(l.value * r.rate), 2) AS converted,
         count(r.rate) AS converted_transactions,
         sum(l.value) FILTER (WHERE r.rate IS NULL) AS not_converted
  FROM linked l
  LEFT JOIN rates r ON r.currency = l.currency AND r.on_date = l.on_date
  GROUP BY l.source, l.target, l.transaction_type, l.reporter, l.currency
),
per_edge AS (
  SELECT source, target, transaction_type, reporter,
         json_agg(json_build_object('amount', amount, 'currency', currency)) AS amounts,
         sum(converted) AS converted
  FROM edges GROUP BY source, target, transaction_type, reporter
)
SELECT json_build_object(
  'nodes', (SELECT json_agg(json_build_object('id', 'P:' || project_id, 'depth', depth))
            FROM (SELECT project_id, min(depth) AS depth FROM visited GROUP BY project_id) v),
  'leaves', (SELECT json_agg(json_build_object('id', target))
             FROM (SELECT DISTINCT target FROM edges WHERE target NOT LIKE 'P:%') l),
  'edges', (SELECT json_agg(json_build_object(
              'source', source, 'target', target, 'type', transaction_type,
              'reported_by', 'P:' || reporter, 'converted', converted, 'amounts', amounts))
            FROM per_edge))
