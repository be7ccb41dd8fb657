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
  WHERE NOT (coalesce(b.type, '1') = '1' AND EXISTS (
    SELECT FROM activity_budget r WHERE r.project_id = b.project_id AND r.type = '2'
      AND r.period_start <= b.period_end AND r.period_end >= b.period_start))
), rates AS (
  SELECT d.currency, d.on_date, fx.rate
  FROM (SELECT DISTINCT currency, on_date FROM money WHERE currency IS NOT NULL) d
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
), split AS (
  SELECT m.type, m.currency, to_char(y.p, 'YYYY') AS year,
         CASE WHEN m.own THEN m.recipient_country_code WHEN g.item = 'C' THEN g.code END
           AS country,
         m.value * coalesce(g.share, 1::numeric) AS amount, r.rate
  FROM money m
  CROSS JOIN LATERAL generate_series(date_trunc('year', m.period_start), m.period_end,
                                     interval '1 year') y(p)
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
