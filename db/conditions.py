"""SQL conditions for the criteria of ``db.criteria``.

Relations are tested with ``EXISTS`` rather than joins, so a project linked to three matching
countries still appears once and the conditions compose freely under ``and``/``or``/``not``.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import ColumnElement

from db import queries as q
from db.codelists import codelist_code
from db.criteria import (
    AgreementCriteria,
    AmountRange,
    BeneficiaryGroupCriteria,
    ContributionCriteria,
    DateRange,
    OutcomeCriteria,
    PartnerCriteria,
    PartnerLinkCriteria,
    ProgrammeCriteria,
    ProjectCriteria,
    SectorCriteria,
)
from db.enums import DatePrecision
from db.text_search import matches

Condition = ColumnElement[bool]
TRUE: Condition = sa.true()


def _last_day(value: ColumnElement[Any], precision: ColumnElement[Any]) -> ColumnElement[Any]:
    """The last day a fuzzy date covers: "2023" runs to 31 December 2023."""
    return sa.case(
        (
            precision == DatePrecision.YEAR.value,
            sa.func.date(value + sa.text("interval '1 year'")) - 1,
        ),
        (
            precision == DatePrecision.MONTH.value,
            sa.func.date(value + sa.text("interval '1 month'")) - 1,
        ),
        else_=value,
    )


p = q.project
project_start: ColumnElement[Any] = p.c.effective_start
"""A project's start: the actual one where known, else the planned (or derived) one."""
project_end: ColumnElement[Any] = p.c.effective_end
project_end_last_day: ColumnElement[Any] = sa.case(
    (p.c.actual_end.is_not(None), _last_day(p.c.actual_end, p.c.actual_end_precision)),
    else_=_last_day(p.c.planned_end, p.c.planned_end_precision),
)


def running_on(day: date) -> Condition:
    """Known or derived dates cover ``day``; unknown dates never count as running."""
    return sa.and_(project_start <= day, project_end_last_day >= day)


def undecided_on(day: date) -> Condition:
    """Dates too incomplete to say whether the project ran on ``day``."""
    return sa.and_(
        sa.or_(project_start.is_(None), project_end.is_(None)),
        sa.not_(sa.func.coalesce(project_start > day, False)),
        sa.not_(sa.func.coalesce(project_end_last_day < day, False)),
    )


def _updated_since(table: sa.Table, moment: datetime | None) -> Condition:
    """Records created or changed since ``moment``: how a mirror syncs incrementally (the
    deletions it must also apply are in the audit trail)."""
    return TRUE if moment is None else table.c.updated_at >= moment


def _in(column: ColumnElement[Any], values: tuple[Any, ...] | None) -> Condition:
    return TRUE if values is None else column.in_(values)


def _within(column: ColumnElement[Any], period: DateRange | None) -> Condition:
    if period is None:
        return TRUE
    return sa.and_(
        TRUE if period.start is None else column >= period.start,
        TRUE if period.end is None else column <= period.end,
    )


def _amount_in(
    amount: ColumnElement[Any], currency: ColumnElement[Any], bounds: AmountRange | None
) -> Condition:
    if bounds is None:
        return TRUE
    return sa.and_(
        currency == bounds.currency,
        TRUE if bounds.minimum is None else amount >= bounds.minimum,
        TRUE if bounds.maximum is None else amount <= bounds.maximum,
    )


def partners_under(code: str) -> sa.CTE:
    """A partner and every organisation under it, however deep."""
    base = sa.select(q.partner.c.id).where(q.partner.c.code == code).cte(recursive=True)
    child = q.partner.alias()
    return base.union_all(sa.select(child.c.id).where(child.c.parent_id == base.c.id))


def _partner_columns(partner: Any, c: PartnerCriteria | PartnerLinkCriteria) -> list[Condition]:
    """Only the conditions the criteria state: none at all lets a link skip its partner."""
    asked = [
        (partner.c.id, c.ids),
        (partner.c.code, c.codes),
        (partner.c.acronym, c.acronyms),
        (partner.c.kind, None if c.kinds is None else tuple(k.value for k in c.kinds)),
    ]
    conditions = [column.in_(values) for column, values in asked if values is not None]
    if c.under is not None:
        under = partners_under(c.under)
        conditions.append(partner.c.id.in_(sa.select(under.c.id)))
    return conditions


def partner_link_condition(link: Any, c: PartnerLinkCriteria) -> Condition:
    """Conditions on one project_partner row ``link`` (joined to its project)."""
    partner = q.partner.alias()
    conditions: list[Condition] = [TRUE if c.role is None else link.c.role == c.role.value]
    on_partner = _partner_columns(partner, c)
    if on_partner:
        conditions.append(sa.exists().where(partner.c.id == link.c.partner_id, *on_partner))
    if c.amount_above is not None:
        # The funder's own amount where a source states it, else the project's budget.
        threshold = c.amount_above
        conditions.append(
            sa.or_(
                sa.and_(link.c.currency == threshold.currency, link.c.amount > threshold.amount),
                sa.and_(
                    link.c.amount.is_(None),
                    p.c.budget_currency == threshold.currency,
                    p.c.budget_amount > threshold.amount,
                ),
            )
        )
    return sa.and_(*conditions)


def project_condition(c: ProjectCriteria) -> Condition:
    conditions = [
        _in(p.c.id, c.ids),
        _in(p.c.code, c.codes),
        _in(p.c.status, None if c.statuses is None else tuple(s.value for s in c.statuses)),
        _within(project_start, c.start),
        _within(project_end, c.end),
        TRUE if c.active_on is None else running_on(c.active_on),
        _amount_in(p.c.budget_amount, p.c.budget_currency, c.budget),
        TRUE if c.search is None else matches(p.c.search_vector, c.search),
        _updated_since(p, c.updated_since),
    ]
    if c.country_codes is not None or c.country_names is not None or c.country_role is not None:
        pc, country = q.project_country.alias(), q.country.alias()
        names = None if c.country_names is None else [n.casefold() for n in c.country_names]
        conditions.append(
            sa.exists().where(
                pc.c.project_id == p.c.id,
                country.c.code == pc.c.country_code,
                _in(pc.c.country_code, c.country_codes),
                TRUE if c.country_role is None else pc.c.role == c.country_role.value,
                TRUE if names is None else _country_named(country, names),
            )
        )
    if c.theme_slugs is not None:
        pt = q.project_theme.alias()
        conditions.append(
            sa.exists().where(pt.c.project_id == p.c.id, pt.c.theme_slug.in_(c.theme_slugs))
        )
    if c.programme_ids is not None:
        pp, programme = q.project_programme.alias(), q.programme.alias()
        conditions.append(
            sa.exists().where(
                pp.c.project_id == p.c.id,
                programme.c.id == pp.c.programme_id,
                # A programme includes its phases' projects.
                sa.or_(
                    programme.c.id.in_(c.programme_ids), programme.c.parent_id.in_(c.programme_ids)
                ),
            )
        )
    if c.partner is not None:
        link = q.project_partner.alias()
        conditions.append(
            sa.exists().where(link.c.project_id == p.c.id, partner_link_condition(link, c.partner))
        )
    conditions += _activity_conditions(c)
    conditions += [project_condition(x) for x in c.all_of]
    if c.any_of is not None:
        conditions.append(sa.or_(sa.false(), *(project_condition(x) for x in c.any_of)))
    if c.none_of is not None:
        # A condition that is unknown for a project (its status is not stated) does not
        # hold, so its negation does: "not completed" keeps projects of unknown status.
        conditions.append(sa.not_(sa.func.coalesce(project_condition(c.none_of), False)))
    return sa.and_(*conditions)


def _activity_conditions(c: ProjectCriteria) -> list[Condition]:
    """The conditions on a project's IATI elements: sectors, regions, policy markers, the
    humanitarian flag and transactions."""
    p = q.project
    found: list[Condition] = []
    if c.sectors is not None:
        found.append(_has_sector(c.sectors))
    if c.region_codes is not None:
        r, pr = q.activity_recipient_region.alias(), q.project_region.alias()
        found.append(
            sa.or_(
                sa.exists().where(r.c.project_id == p.c.id, r.c.code.in_(c.region_codes)),
                sa.exists().where(pr.c.project_id == p.c.id, pr.c.region_code.in_(c.region_codes)),
            )
        )
    if c.policy_marker is not None:
        m = q.activity_policy_marker.alias()
        found.append(
            sa.exists().where(
                m.c.project_id == p.c.id,
                m.c.code.in_(c.policy_marker.codes),
                _in(m.c.significance, c.policy_marker.significances),
            )
        )
    if c.humanitarian is not None:
        t = q.activity_transaction.alias()
        flagged = sa.or_(
            p.c.humanitarian.is_(True),
            sa.exists().where(t.c.project_id == p.c.id, t.c.humanitarian.is_(True)),
        )
        found.append(flagged if c.humanitarian else sa.not_(flagged))
    if c.transactions is not None:
        t = q.activity_transaction.alias()
        years = c.transactions.years
        found.append(
            sa.exists().where(
                t.c.project_id == p.c.id,
                _in(t.c.transaction_type, c.transactions.types),
                TRUE if years is None else sa.extract("year", t.c.transaction_date).in_([*years]),
            )
        )
    return found


def _has_sector(c: SectorCriteria) -> Condition:
    """A sector of the activity has one of the codes, in the vocabulary asked (1 where the
    file names none); a DAC 3-digit code also matches the DAC 5-digit codes of its category,
    as the Sector codelist files them."""
    s, p = q.activity_sector.alias(), q.project
    vocabulary = sa.func.coalesce(s.c.vocabulary, "1")
    in_category = sa.and_(
        vocabulary == "1",
        s.c.code.in_(
            sa.select(codelist_code.c.code).where(
                codelist_code.c.codelist == "Sector", codelist_code.c.category.in_(c.codes)
            )
        ),
    )
    return sa.exists().where(
        s.c.project_id == p.c.id,
        TRUE if c.vocabulary is None else vocabulary == c.vocabulary,
        sa.or_(s.c.code.in_(c.codes), in_category),
    )


def _country_named(country: Any, names: list[str]) -> Condition:
    """A country matched by its name, official name or any common alternative name."""
    alternative = sa.func.unnest(country.c.alternative_names).table_valued("name").alias()
    return sa.or_(
        sa.func.lower(country.c.name).in_(names),
        sa.func.lower(country.c.official_name).in_(names),
        sa.exists().select_from(alternative).where(sa.func.lower(alternative.c.name).in_(names)),
    )


def partner_condition(c: PartnerCriteria) -> Condition:
    partner = q.partner
    conditions = [*_partner_columns(partner, c), _updated_since(partner, c.updated_since)]
    if c.project_country_codes is not None:
        link, pc = q.project_partner.alias(), q.project_country.alias()
        conditions.append(
            sa.exists().where(
                link.c.partner_id == partner.c.id,
                pc.c.project_id == link.c.project_id,
                pc.c.country_code.in_(c.project_country_codes),
            )
        )
    if c.search is not None:
        pattern = f"%{c.search.casefold()}%"
        conditions.append(
            sa.or_(
                sa.func.lower(partner.c.name).like(pattern),
                sa.func.lower(partner.c.acronym).like(pattern),
            )
        )
    return sa.and_(*conditions)


def programme_condition(c: ProgrammeCriteria) -> Condition:
    programme = q.programme
    conditions = [
        _in(programme.c.code, c.codes),
        TRUE if c.search is None else matches(programme.c.search_vector, c.search),
        _updated_since(programme, c.updated_since),
    ]
    if c.phases_of is not None:
        parent = q.programme.alias()
        conditions.append(
            sa.exists().where(parent.c.id == programme.c.parent_id, parent.c.code == c.phases_of)
        )
    if c.partner_codes is not None:
        link, partner = q.programme_partner.alias(), q.partner.alias()
        conditions.append(
            sa.exists().where(
                link.c.programme_id == programme.c.id,
                partner.c.id == link.c.partner_id,
                partner.c.code.in_(c.partner_codes),
            )
        )
    return sa.and_(*conditions)


def _of_projects(project_id: ColumnElement[Any], c: ProjectCriteria | None) -> Condition:
    if c is None:
        return TRUE
    return project_id.in_(sa.select(p.c.id).where(project_condition(c)))


def beneficiary_group_condition(c: BeneficiaryGroupCriteria) -> Condition:
    group = q.beneficiary_group
    return sa.and_(
        TRUE
        if c.categories is None
        else group.c.categories.overlap(
            sa.cast(postgresql.array([x.value for x in c.categories]), group.c.categories.type)
        ),
        _in(group.c.country_code, c.country_codes),
        _of_projects(group.c.project_id, c.project),
        TRUE if c.search is None else matches(group.c.search_vector, c.search),
        _updated_since(group, c.updated_since),
    )


outcome_progress: ColumnElement[Any] = q.outcome.c.actual / sa.func.nullif(q.outcome.c.target, 0)
"""How far an outcome is: actual over target, null unless both are known."""


def outcome_condition(c: OutcomeCriteria) -> Condition:
    outcome = q.outcome
    return sa.and_(
        _in(outcome.c.kind, None if c.kinds is None else tuple(k.value for k in c.kinds)),
        TRUE
        if c.on_track is None
        else (outcome_progress >= 1)
        if c.on_track
        else (outcome_progress < 1),
        _of_projects(outcome.c.project_id, c.project),
        TRUE if c.search is None else matches(outcome.c.search_vector, c.search),
        _updated_since(outcome, c.updated_since),
    )


def _partner_code_in(partner_id: ColumnElement[Any], codes: tuple[str, ...] | None) -> Condition:
    if codes is None:
        return TRUE
    return partner_id.in_(sa.select(q.partner.c.id).where(q.partner.c.code.in_(codes)))


def contribution_condition(c: ContributionCriteria) -> Condition:
    contribution = q.contribution
    conditions = [
        _in(contribution.c.kind, None if c.kinds is None else tuple(k.value for k in c.kinds)),
        _partner_code_in(contribution.c.donor_id, c.donor_codes),
        _partner_code_in(contribution.c.recipient_id, c.recipient_codes),
        _updated_since(contribution, c.updated_since),
    ]
    if c.years is not None:
        # Periods that overlap the years asked for.
        if c.years.start is not None:
            conditions.append(contribution.c.period_end_year >= c.years.start)
        if c.years.end is not None:
            conditions.append(contribution.c.period_start_year <= c.years.end)
    return sa.and_(*conditions)


def agreement_condition(c: AgreementCriteria) -> Condition:
    agreement = q.agreement
    conditions = [
        _in(agreement.c.kind, None if c.kinds is None else tuple(k.value for k in c.kinds)),
        _within(agreement.c.signed_on, c.signed),
    ]
    if c.party_codes is not None:
        party = q.agreement_party.alias()
        conditions.append(
            sa.exists().where(
                party.c.agreement_id == agreement.c.id,
                _partner_code_in(party.c.partner_id, c.party_codes),
            )
        )
    return sa.and_(*conditions)
