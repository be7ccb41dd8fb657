-- Q7: IATI commitments and disbursements per year and recipient country (the activity's
-- country shares where a transaction names none), in original currencies and converted
-- into US dollars at each value date.
-- params: none
WITH geo_items AS (
  SELECT project_id, 'C' AS item, country_code AS code, percentage FROM project_country
  UNION ALL
  SELECT project_id, 'R', code, percentage FROM activity_recipient_region
  WHERE coalesce(vocabulary, '1') = '1'
), geo_shares AS (
  SELECT i.project_id, i.item, i.code,
         CASE WHEN t.stated = 0 OR t.total = 0 THEN 1::numeric / t.n
              ELSE coalesce(i.percentage, 0) / t.total END AS share
  FROM geo_items i JOIN (
    SELECT project_id, count(*) AS n, count(percentage) AS stated, sum(percentage) AS total
    FROM geo_items GROUP BY project_id
  ) t USING (project_id)
), money AS (
  SELECT t.project_id, t.transaction_type AS type, t.value, t.currency,
         coalesce(t.value_date, t.transaction_date) AS on_date,
         t.transaction_date AS period_start, t.transaction_date AS period_end,
         t.recipient_country_code,
         t.recipient_country_code IS NOT NULL OR t.recipient_region_code IS NOT NULL AS own
  FROM activity_transaction t WHERE t.transaction_type IN ('1', '2', '3', '4')
  UNION ALL
  SELECT b.project_id, 'B', b.value, b.currency, coalesce(b.value_date, b.period_start),
         b.period_start, greatest(b.period_end, b.period_start), NULL, false
  FROM activity_budget b
  WHERE b.id NOT IN (
    SELECT o.id FROM activity_budget o
    JOIN activity_budget r ON r.project_id = o.project_id AND r.type = '2'
      AND r.period_start <= o.period_end AND r.period_end >= o.period_start
    WHERE o.type = '1' OR o.type IS NULL)
), rates AS (
  SELECT d.currency, d.on_date,
         CASE WHEN d.currency = 'USD' THEN 1::numeric ELSE coalesce(
           (SELECT t.rate / f.rate FROM exchange_rate f
              JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                                  AND t.currency = 'USD'
             WHERE f.source = 'ECB_DAILY' AND f.currency = d.currency
               AND f.rate_date <= d.on_date AND f.rate_date > d.on_date - 7
             ORDER BY f.rate_date DESC LIMIT 1),
           (SELECT t.rate / f.rate FROM exchange_rate f
              JOIN exchange_rate t ON t.source = f.source AND t.rate_date = f.rate_date
                                  AND t.currency = 'USD'
             WHERE f.source = 'IMF_ANNUAL' AND f.currency = d.currency
               AND f.rate_date = make_date(extract(year FROM d.on_date)::int, 12, 31)))
         END AS rate
  FROM (SELECT DISTINCT currency, on_date FROM money WHERE currency IS NOT NULL) d
), split AS (
  -- A record within one year (every transaction) is not expanded; a budget over several
  -- years is split between them by days.
  SELECT m.type, m.currency, lpad(y.y::text, 4, '0') AS year,
         CASE WHEN m.own THEN m.recipient_country_code WHEN g.item = 'C' THEN g.code END
           AS country,
         m.value * coalesce(g.share, 1::numeric) * CASE WHEN y.first = y.last THEN 1::numeric
           ELSE (least(m.period_end, make_date(y.y, 12, 31))
                 - greatest(m.period_start, make_date(y.y, 1, 1)) + 1)::numeric
                / (m.period_end - m.period_start + 1) END AS amount,
         r.rate
  FROM money m
  CROSS JOIN LATERAL (
    SELECT y, b.first, b.last
    FROM (SELECT extract(year FROM m.period_start)::int AS first,
                 extract(year FROM m.period_end)::int AS last) b,
         unnest(CASE WHEN b.first = b.last THEN ARRAY[b.first]
                     ELSE ARRAY(SELECT generate_series(b.first, b.last)) END) y
  ) y
  LEFT JOIN geo_shares g ON NOT m.own AND g.project_id = m.project_id
  LEFT JOIN rates r ON r.currency = m.currency AND r.on_date = m.on_date
), per_currency AS (
  SELECT year, country, type, currency, round(sum(amount), 2) AS amount,
         round(sum(amount * rate), 2) AS converted
  FROM split WHERE type IN ('2', '3') GROUP BY year, country, type, currency
), measures AS (
  SELECT year, coalesce(country, '') AS country, type,
         json_build_object('amounts', json_agg(json_build_object('amount', amount,
                                                                 'currency', currency)),
                           'converted', sum(converted)) AS measure
  FROM per_currency GROUP BY year, country, type
), buckets AS (SELECT DISTINCT year, country FROM split)
SELECT json_agg(json_build_object(
  'keys', json_build_array(b.year, b.country),
  'commitments', c.measure, 'disbursements', d.measure))
FROM buckets b
LEFT JOIN measures c ON c.year = b.year AND c.country = coalesce(b.country, '') AND c.type = '2'
LEFT JOIN measures d ON d.year = b.year AND d.country = coalesce(b.country, '') AND d.type = '3'
