"""A made-up funding chain across three publishers, added inside a test's transaction: a
donor ministry commits and disburses won to an agency, the agency passes dollars on to an
implementer, the implementer spends shillings. Every figure is chosen so that the split,
year and conversion rules give round, checkable results (``tests/db/test_finance_stats.py``
works them out).

- donor ``XM-TEST-D1``: no country, sectors 11110 60 % and 12220 60 % (120 %: rebased to
  half each); commitment of 1,000,000 KRW and disbursement of 500,000 KRW (value date
  2022-03-15) to the agency's activity; a budget of 730,000 KRW from 2022-07-01 to
  2023-06-30 (184 days in 2022, 181 in 2023), and an original budget of the same period
  replaced by that revised one.
- agency ``XM-TEST-A1``: Kenya 50 %, Tanzania 50 %, sector 11110; incoming funds of
  500,000 KRW from the donor's activity; a disbursement of 300 USD (2022-06-01) to the
  implementer's activity and one of 100 USD with its own country (Kenya) and sector (12220).
- implementer ``XM-TEST-I1``: Kenya; incoming funds of 300 USD from the agency's activity;
  expenditure of 250 KES (2022-08-01, the IMF's 2022 average) and of 10 KES on 2026-01-05
  (no rate: left out of conversions).
"""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

DONOR, AGENCY, IMPLEMENTER = "XM-TEST-D1", "XM-TEST-A1", "XM-TEST-I1"


async def add_funding_chain(conn: AsyncConnection) -> dict[str, int]:
    """The three projects' ids by IATI identifier."""
    await conn.execute(
        sa.text(
            """
            INSERT INTO partner (code, name, acronym, kind) VALUES
              ('test-donor', 'Made-up Ministry of Testing', 'MMT', 'GOVERNMENT_MINISTRY'),
              ('test-agency', 'Made-up Testing Agency', 'MTA', 'DEVELOPMENT_AGENCY'),
              ('test-implementer', 'Made-up Implementer', 'MUI', 'NGO')
            """
        )
    )
    await conn.execute(  # the codelists' countries, where the dataset's lack them
        sa.text(
            "INSERT INTO country (code, name) VALUES ('KE', 'Kenya'), "
            "('TZ', 'Tanzania, United Republic of') ON CONFLICT DO NOTHING"
        )
    )
    ids = {}
    for identifier, code, publisher in (
        (DONOR, "test-d1", "test-donor"),
        (AGENCY, "test-a1", "test-agency"),
        (IMPLEMENTER, "test-i1", "test-implementer"),
    ):
        ids[identifier] = await conn.scalar(
            sa.text(
                "INSERT INTO project (code, title, iati_identifier, reporting_org_partner_id) "
                "SELECT CAST(:code AS text), 'Made-up ' || CAST(:code AS text), :identifier, id "
                "FROM partner "
                "WHERE code = :publisher RETURNING id"
            ),
            {"code": code, "identifier": identifier, "publisher": publisher},
        )
    await conn.execute(
        sa.text(
            """
            INSERT INTO project_partner (project_id, partner_id, role)
            SELECT p.id, o.id, 'FUNDING' FROM project p, partner o
            WHERE (p.code, o.code) IN (('test-d1', 'test-donor'), ('test-a1', 'test-donor'),
                                       ('test-i1', 'test-agency'))
            """
        )
    )
    await conn.execute(
        sa.text(
            """
            INSERT INTO project_country (project_id, country_code, role, percentage)
            SELECT p.id, c.code, 'RECIPIENT', c.pct
            FROM project p JOIN (VALUES ('test-a1', 'KE', 50), ('test-a1', 'TZ', 50),
                                        ('test-i1', 'KE', 100)) c(project, code, pct)
              ON c.project = p.code
            """
        )
    )
    await conn.execute(
        sa.text(
            """
            INSERT INTO activity_sector (project_id, vocabulary, code, percentage)
            SELECT p.id, '1', s.code, s.pct
            FROM project p JOIN (VALUES ('test-d1', '11110', 60), ('test-d1', '12220', 60),
                                        ('test-a1', '11110', 100)) s(project, code, pct)
              ON s.project = p.code
            """
        )
    )
    await conn.execute(
        sa.text(
            """
            INSERT INTO activity_transaction
              (project_id, transaction_type, transaction_date, value, currency, value_date,
               provider_org_ref, provider_activity_id, receiver_org_ref, receiver_activity_id,
               recipient_country_code, sectors)
            SELECT p.id, t.type, t.day::date, t.value, t.currency, t.value_date::date,
                   t.provider, t.provider_activity, t.receiver, t.receiver_activity,
                   t.country, t.sectors::jsonb
            FROM project p JOIN (VALUES
              ('test-d1', '2', '2022-01-10', 1000000, 'KRW', NULL, 'XM-TEST', NULL,
               'XM-TEST-AGENCY', 'XM-TEST-A1', NULL, '[]'),
              ('test-d1', '3', '2022-03-16', 500000, 'KRW', '2022-03-15', 'XM-TEST', NULL,
               'XM-TEST-AGENCY', 'XM-TEST-A1', NULL, '[]'),
              ('test-a1', '1', '2022-04-01', 500000, 'KRW', '2022-03-15', 'XM-TEST',
               'XM-TEST-D1', 'XM-TEST-AGENCY', NULL, NULL, '[]'),
              ('test-a1', '3', '2022-06-01', 300, 'USD', NULL, 'XM-TEST-AGENCY', NULL,
               'XM-TEST-IMPL', 'XM-TEST-I1', NULL, '[]'),
              ('test-a1', '3', '2022-06-01', 100, 'USD', NULL, 'XM-TEST-AGENCY', NULL,
               'XM-TEST-OTHER', NULL, 'KE', '[{"vocabulary": "1", "code": "12220"}]'),
              ('test-i1', '1', '2022-06-02', 300, 'USD', NULL, 'XM-TEST-AGENCY',
               'XM-TEST-A1', 'XM-TEST-IMPL', NULL, NULL, '[]'),
              ('test-i1', '4', '2022-08-01', 250, 'KES', NULL, 'XM-TEST-IMPL', NULL,
               NULL, NULL, NULL, '[]'),
              ('test-i1', '4', '2026-01-05', 10, 'KES', NULL, 'XM-TEST-IMPL', NULL,
               NULL, NULL, NULL, '[]')
            ) t(project, type, day, value, currency, value_date, provider, provider_activity,
                receiver, receiver_activity, country, sectors)
              ON t.project = p.code
            """
        )
    )
    await conn.execute(
        sa.text(
            """
            INSERT INTO activity_budget
              (project_id, type, status, period_start, period_end, value, currency)
            SELECT id, t.type, '1', DATE '2022-07-01', DATE '2023-06-30', t.value, 'KRW'
            FROM project, (VALUES ('1', 999000), ('2', 730000)) t(type, value)
            WHERE code = 'test-d1'
            """
        )
    )
    return ids
