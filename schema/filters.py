"""Filter and order inputs, checked and turned into ``db.criteria``.

Every check a filter needs that GraphQL's types cannot express (ranges in order, ISO codes,
search length, global ids of the right type) happens here, so a malformed filter is a
``BAD_USER_INPUT`` naming the argument, never a database error.

Over 400 lines, and kept whole: the inputs of every listing share the checks below them
(ranges, ISO codes, global ids, search text); apart, those checks would be a module only
these inputs use.
"""

import datetime
import re
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, TypeVar

import strawberry
from strawberry import relay

from db import criteria as c
from db.bounds import record_id
from db.enums import (
    AgreementKind,
    BeneficiaryCategory,
    ContributionKind,
    CountryRole,
    OutcomeKind,
    PartnerKind,
    PartnerRole,
    ProjectStatus,
)
from db.text_search import MAX_QUERY_LENGTH
from schema.descriptions import described_enum
from schema.errors import bad_user_input
from schema.types import common  # noqa: F401  (registers the enums these inputs use)

T = TypeVar("T")


@strawberry.input(description="Dates from `from` to `to`, both included; either may be left out.")
class DateRange:
    from_: datetime.date | None = strawberry.field(
        name="from", default=None, description="First day, included; null: no lower bound."
    )
    to: datetime.date | None = strawberry.field(
        default=None, description="Last day, included; null: no upper bound."
    )


@strawberry.input(description="Years from `from` to `to`, both included.")
class YearRange:
    from_: int | None = strawberry.field(
        name="from", default=None, description="First year, included; null: no lower bound."
    )
    to: int | None = strawberry.field(
        default=None, description="Last year, included; null: no upper bound."
    )


@strawberry.input(description="An amount in an ISO 4217 currency.")
class MoneyInput:
    amount: Decimal = strawberry.field(description="Exact decimal, as a string.")
    currency: str = strawberry.field(
        description="ISO 4217 code; only amounts in this currency compare (no conversion)."
    )


@strawberry.input(description="Amounts in one currency: budgets in other currencies never match.")
class MoneyRange:
    currency: str = strawberry.field(description="ISO 4217 code the amounts must be in.")
    min: Decimal | None = strawberry.field(
        default=None, description="Smallest amount, included; null: no lower bound."
    )
    max: Decimal | None = strawberry.field(
        default=None, description="Largest amount, included; null: no upper bound."
    )


@strawberry.input(description="Conditions that one and the same partner link must meet.")
class ProjectPartnerFilter:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The partner is one of these (global ids of partners)."
    )
    codes: list[str] | None = strawberry.field(
        default=None, description="The partner's code is one of these."
    )
    acronyms: list[str] | None = strawberry.field(
        default=None, description="The partner's acronym is one of these (exactly: KOICA)."
    )
    kinds: list[PartnerKind] | None = strawberry.field(
        default=None, description="The partner is of one of these kinds."
    )
    under: str | None = strawberry.field(
        default=None,
        description="A partner's code: that partner or any organisation under it "
        "(korea-government takes in MOFA, KOICA, MOEL, MOOF).",
    )
    role: PartnerRole | None = strawberry.field(
        default=None, description="The link is in this role (FUNDING: funded by the partner)."
    )
    amount_above: MoneyInput | None = strawberry.field(
        default=None,
        description="More than this amount: the partner's own amount where a source states "
        "it, else the project's budget.",
    )


@strawberry.input(description="Conditions on projects; all given conditions must hold.")
class ProjectFilter:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The project is one of these (global ids of projects)."
    )
    codes: list[str] | None = strawberry.field(
        default=None, description="The project's code is one of these."
    )
    status: list[ProjectStatus] | None = strawberry.field(
        default=None,
        description="Its status is one of these; projects of unknown status never match.",
    )
    countries: list[str] | None = strawberry.field(default=None, description="ISO 3166 codes.")
    country_names: list[str] | None = strawberry.field(
        default=None,
        description="Country names, official or common (Türkiye, Turkey; Lao PDR, Laos).",
    )
    country_role: CountryRole | None = strawberry.field(
        default=None,
        description="With `countries` or `countryNames`: the country is linked in this role; "
        "alone: the project has a country in this role.",
    )
    themes: list[str] | None = strawberry.field(default=None, description="Theme slugs.")
    programmes: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Programme ids; a programme takes in its phases' projects."
    )
    partner: ProjectPartnerFilter | None = strawberry.field(
        default=None,
        description="The project has a partner link meeting all of these conditions at once.",
    )
    start: DateRange | None = strawberry.field(
        default=None, description="The actual start, else the planned one."
    )
    end: DateRange | None = strawberry.field(
        default=None, description="The actual end, else the planned (or derived) one."
    )
    active_on: datetime.date | None = strawberry.field(
        default=None,
        description="Running on this day: known or derived dates cover it. Projects whose "
        "dates cannot tell are left out and counted in `undatedLeftOut`.",
    )
    budget: MoneyRange | None = strawberry.field(
        default=None,
        description="The budget is in the range and currency; projects without a budget, or "
        "with one in another currency, never match.",
    )
    search: str | None = strawberry.field(default=None, description="Full-text search.")
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )
    sectors: "SectorFilter | None" = strawberry.field(
        default=None,
        description="The project has an IATI sector with one of these codes (see "
        "`SectorFilter`); not the built-in dataset's themes (`themes`).",
    )
    regions: list[str] | None = strawberry.field(
        default=None,
        description="The project is linked to one of these regions: an IATI recipient-region "
        "code of any vocabulary (289, 1029) or a region of the built-in dataset (ASEAN).",
    )
    policy_marker: "PolicyMarkerFilter | None" = strawberry.field(
        default=None,
        description="The project has an IATI policy marker with one of these codes (and, if "
        "given, of one of these significances).",
    )
    humanitarian: bool | None = strawberry.field(
        default=None,
        description="true: the IATI activity or one of its transactions is flagged "
        "humanitarian; false: neither is (a project no IATI file describes is not).",
    )
    transactions: "TransactionCondition | None" = strawberry.field(
        default=None,
        description="The project has an IATI transaction of one of these types, dated in "
        "one of these years (both, when both are given).",
    )
    and_: list["ProjectFilter"] | None = strawberry.field(
        name="and", default=None, description="Every one of these filters holds too."
    )
    or_: list["ProjectFilter"] | None = strawberry.field(
        name="or", default=None, description="At least one of these filters holds too."
    )
    not_: "ProjectFilter | None" = strawberry.field(
        name="not", default=None, description="This filter does not hold."
    )


@strawberry.input(description="IATI sectors a project must have one of.")
class SectorFilter:
    codes: list[str] = strawberry.field(
        description="Sector codes, of any vocabulary (15170, 5.2); a DAC 3-digit category "
        "code (151) also matches the DAC 5-digit codes in it (15110...15190)."
    )
    vocabulary: str | None = strawberry.field(
        default=None,
        description="Only sectors of this SectorVocabulary code (1 DAC 5-digit, 2 DAC 3-digit, "
        "7 SDG goal, 8 SDG target...); null: any.",
    )


@strawberry.input(description="IATI policy markers a project must have one of.")
class PolicyMarkerFilter:
    codes: list[str] = strawberry.field(
        description="PolicyMarker codes: 1 Gender equality, 2 Aid to environment, 7 Climate "
        "change mitigation..."
    )
    significance: list[str] | None = strawberry.field(
        default=None,
        description="PolicySignificance codes the marker must have (1 significant, 2 principal "
        "objective...); null: any.",
    )


@strawberry.input(description="An IATI transaction a project must have.")
class TransactionCondition:
    types: list[str] | None = strawberry.field(
        default=None,
        description="TransactionType codes (2 Outgoing Commitment, 3 Disbursement, "
        "4 Expenditure...); null: any.",
    )
    years: list[int] | None = strawberry.field(
        default=None, description="Calendar years of the transaction date; null: any."
    )


_CODE_LIMIT = 100
"""The longest code a classification filter takes (vocabulary 99 codes are the publisher's)."""


def _codes(values: Sequence[str] | None, at: str) -> tuple[str, ...] | None:
    for value in values or ():
        if not value or len(value) > _CODE_LIMIT:
            raise bad_user_input(
                f"A code must have 1 to {_CODE_LIMIT} characters: {value[:20]!r}.", argument=at
            )
    return _tuple(values)


def _year_list(values: Sequence[int] | None, at: str) -> tuple[int, ...] | None:
    for value in values or ():
        if not 1 <= value <= 9999:
            raise bad_user_input(f"{value} is not a year.", argument=at)
    return _tuple(values)


def _sectors(value: SectorFilter | None, at: str) -> c.SectorCriteria | None:
    if value is None:
        return None
    codes = _codes(value.codes, f"{at}.codes") or ()
    _codes(None if value.vocabulary is None else [value.vocabulary], f"{at}.vocabulary")
    return c.SectorCriteria(codes=codes, vocabulary=value.vocabulary)


def _policy_marker(value: PolicyMarkerFilter | None, at: str) -> c.PolicyMarkerCriteria | None:
    if value is None:
        return None
    return c.PolicyMarkerCriteria(
        codes=_codes(value.codes, f"{at}.codes") or (),
        significances=_codes(value.significance, f"{at}.significance"),
    )


def _transactions(value: TransactionCondition | None, at: str) -> c.TransactionCriteria | None:
    if value is None:
        return None
    return c.TransactionCriteria(
        types=_codes(value.types, f"{at}.types"), years=_year_list(value.years, f"{at}.years")
    )


class OrderDirection(Enum):
    ASC = "ASC"
    DESC = "DESC"


described_enum(
    OrderDirection,
    "Sort direction; nulls come last either way.",
    ASC="Smallest, earliest or A first.",
    DESC="Largest, latest or Z first.",
)


class ProjectOrderField(Enum):
    CODE = "CODE"
    TITLE = "TITLE"
    START = "START"
    END = "END"
    BUDGET = "BUDGET"
    STATUS = "STATUS"


described_enum(
    ProjectOrderField,
    "What projects can be ordered by; ties are broken by id.",
    CODE="Public code, alphabetically.",
    TITLE="Title, alphabetically.",
    START="Actual start, else planned start; undated projects last.",
    END="Actual end, else planned (or derived) end; undated projects last.",
    BUDGET="Budget amount as a number, whatever its currency (no conversion: filter "
    "by `budget.currency` to compare like with like); projects without one last.",
    STATUS="Status name, alphabetically; unknown status last.",
)


@strawberry.input(description="One sort key of a project listing.")
class ProjectOrder:
    field: ProjectOrderField = strawberry.field(description="What to sort by.")
    direction: OrderDirection = strawberry.field(
        default=OrderDirection.ASC, description="ASC (the default) or DESC."
    )


ProjectFilterArgument = Annotated[
    ProjectFilter | None,
    strawberry.argument(description="Only the projects meeting every condition given."),
]
ProjectOrderArgument = Annotated[
    list[ProjectOrder] | None,
    strawberry.argument(
        description="Sort keys, the first one first; ties are broken by id. Null: by code."
    ),
]


@strawberry.input(description="Conditions on partners; all given conditions must hold.")
class PartnerFilter:
    ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The partner is one of these (global ids of partners)."
    )
    codes: list[str] | None = strawberry.field(
        default=None, description="Its code is one of these."
    )
    acronyms: list[str] | None = strawberry.field(
        default=None, description="Its acronym is one of these (exactly: KOICA)."
    )
    kinds: list[PartnerKind] | None = strawberry.field(
        default=None, description="It is of one of these kinds."
    )
    under: str | None = strawberry.field(
        default=None, description="A partner's code: that partner and every organisation under it."
    )
    project_countries: list[str] | None = strawberry.field(
        default=None, description="Partners of projects in these countries (ISO codes)."
    )
    search: str | None = strawberry.field(default=None, description="Part of a name or acronym.")
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )


@strawberry.input(description="Conditions on programmes; all given conditions must hold.")
class ProgrammeFilter:
    codes: list[str] | None = strawberry.field(
        default=None, description="Its code is one of these."
    )
    partners: list[str] | None = strawberry.field(default=None, description="Partner codes.")
    phases_of: str | None = strawberry.field(
        default=None, description="A programme's code: only the phases of that programme."
    )
    search: str | None = strawberry.field(
        default=None, description='Full-text search (words, "phrases", -excluded).'
    )
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )


@strawberry.input(description="Conditions on beneficiary groups; all given conditions must hold.")
class BeneficiaryGroupFilter:
    categories: list[BeneficiaryCategory] | None = strawberry.field(
        default=None, description="The group is in at least one of these categories."
    )
    countries: list[str] | None = strawberry.field(
        default=None, description="The group is in one of these countries (ISO 3166 codes)."
    )
    project: ProjectFilter | None = strawberry.field(
        default=None, description="The group's project matches this filter."
    )
    search: str | None = strawberry.field(
        default=None, description='Full-text search (words, "phrases", -excluded).'
    )
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )


@strawberry.input(description="Conditions on outcomes; all given conditions must hold.")
class OutcomeFilter:
    kinds: list[OutcomeKind] | None = strawberry.field(
        default=None, description="Its kind is one of these (IATI result types)."
    )
    on_track: bool | None = strawberry.field(
        default=None,
        description="true: actual has reached the target; false: it has not yet. Outcomes "
        "without both figures match neither.",
    )
    project: ProjectFilter | None = strawberry.field(
        default=None, description="The outcome's project matches this filter."
    )
    search: str | None = strawberry.field(
        default=None, description='Full-text search (words, "phrases", -excluded).'
    )
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )


@strawberry.input(description="Conditions on contributions; all given conditions must hold.")
class ContributionFilter:
    kinds: list[ContributionKind] | None = strawberry.field(
        default=None, description="Its kind is one of these."
    )
    donors: list[str] | None = strawberry.field(default=None, description="Partner codes.")
    recipients: list[str] | None = strawberry.field(default=None, description="Partner codes.")
    years: YearRange | None = strawberry.field(
        default=None, description="Contributions whose period overlaps these years."
    )
    updated_since: datetime.datetime | None = strawberry.field(
        default=None,
        description="Created or changed at or after this time (deletions: see `changes`).",
    )


@strawberry.input(description="Conditions on agreements; all given conditions must hold.")
class AgreementFilter:
    kinds: list[AgreementKind] | None = strawberry.field(
        default=None, description="Its kind is one of these."
    )
    parties: list[str] | None = strawberry.field(
        default=None, description="One of its parties has one of these partner codes."
    )
    signed: DateRange | None = strawberry.field(
        default=None,
        description="Signed (or carried out) within these days; undated agreements never match.",
    )


_COUNTRY = re.compile(r"[A-Z]{2}")
_CURRENCY = re.compile(r"[A-Z]{3}")
"""Codes checked whole with ``fullmatch``: a ``$`` anchor would also pass a trailing newline."""


def _tuple(values: Sequence[T] | None) -> tuple[T, ...] | None:
    return None if values is None else tuple(values)


def decode_ids(
    values: Sequence[strawberry.ID] | None, type_name: str, at: str
) -> tuple[int, ...] | None:
    if values is None:
        return None
    ids = []
    for value in values:
        try:
            global_id = relay.GlobalID.from_id(value)
        except Exception as error:
            raise bad_user_input(f"{value!r} is not a valid global id.", argument=at) from error
        number = record_id(global_id.node_id)
        if global_id.type_name != type_name or number is None:
            raise bad_user_input(f"{value!r} is not the id of a {type_name}.", argument=at)
        ids.append(number)
    return tuple(ids)


def _countries(values: Sequence[str] | None, at: str) -> tuple[str, ...] | None:
    for value in values or ():
        if not _COUNTRY.fullmatch(value):
            raise bad_user_input(
                f"{value!r} is not an ISO 3166-1 alpha-2 country code.", argument=at
            )
    return _tuple(values)


def _currency(value: str, at: str) -> str:
    if not _CURRENCY.fullmatch(value):
        raise bad_user_input(f"{value!r} is not an ISO 4217 currency code.", argument=at)
    return value


def _search(value: str | None, at: str) -> str | None:
    return None if value is None else checked_search(value, at)


def checked_search(value: str, at: str) -> str:
    if not value.strip():
        raise bad_user_input("A search needs at least one word.", argument=at)
    if len(value) > MAX_QUERY_LENGTH:
        raise bad_user_input(
            f"A search is at most {MAX_QUERY_LENGTH} characters.",
            argument=at,
            maximum=MAX_QUERY_LENGTH,
        )
    return value


def _ordered(low: Any, high: Any, at: str, what: str) -> None:
    if low is not None and high is not None and low > high:
        raise bad_user_input(f"`{at}` ends before it starts: {what} {low} > {high}.", argument=at)


def _dates(value: DateRange | None, at: str) -> c.DateRange | None:
    if value is None:
        return None
    _ordered(value.from_, value.to, at, "from")
    return c.DateRange(value.from_, value.to)


def _years(value: YearRange | None, at: str) -> c.YearRange | None:
    if value is None:
        return None
    _ordered(value.from_, value.to, at, "from")
    return c.YearRange(value.from_, value.to)


def _money_range(value: MoneyRange | None, at: str) -> c.AmountRange | None:
    if value is None:
        return None
    _ordered(value.min, value.max, at, "min")
    return c.AmountRange(_currency(value.currency, f"{at}.currency"), value.min, value.max)


def _partner_link(value: ProjectPartnerFilter | None, at: str) -> c.PartnerLinkCriteria | None:
    if value is None:
        return None
    above = value.amount_above
    return c.PartnerLinkCriteria(
        ids=decode_ids(value.ids, "Partner", f"{at}.ids"),
        codes=_tuple(value.codes),
        acronyms=_tuple(value.acronyms),
        kinds=_tuple(value.kinds),
        under=value.under,
        role=value.role,
        amount_above=None
        if above is None
        else c.Amount(above.amount, _currency(above.currency, f"{at}.amountAbove.currency")),
    )


def project_criteria(value: ProjectFilter | None, at: str = "filter") -> c.ProjectCriteria:
    if value is None:
        return c.ProjectCriteria()
    return c.ProjectCriteria(
        ids=decode_ids(value.ids, "Project", f"{at}.ids"),
        codes=_tuple(value.codes),
        statuses=_tuple(value.status),
        country_codes=_countries(value.countries, f"{at}.countries"),
        country_names=_tuple(value.country_names),
        country_role=value.country_role,
        theme_slugs=_tuple(value.themes),
        programme_ids=decode_ids(value.programmes, "Programme", f"{at}.programmes"),
        partner=_partner_link(value.partner, f"{at}.partner"),
        start=_dates(value.start, f"{at}.start"),
        end=_dates(value.end, f"{at}.end"),
        active_on=value.active_on,
        budget=_money_range(value.budget, f"{at}.budget"),
        search=_search(value.search, f"{at}.search"),
        updated_since=value.updated_since,
        sectors=_sectors(value.sectors, f"{at}.sectors"),
        region_codes=_codes(value.regions, f"{at}.regions"),
        policy_marker=_policy_marker(value.policy_marker, f"{at}.policyMarker"),
        humanitarian=value.humanitarian,
        transactions=_transactions(value.transactions, f"{at}.transactions"),
        all_of=tuple(project_criteria(x, f"{at}.and") for x in value.and_ or ()),
        any_of=None
        if value.or_ is None
        else tuple(project_criteria(x, f"{at}.or") for x in value.or_),
        none_of=None if value.not_ is None else project_criteria(value.not_, f"{at}.not"),
    )


def project_order(values: Sequence[ProjectOrder] | None) -> list[tuple[str, bool]]:
    fields = [(v.field.value, v.direction == OrderDirection.DESC) for v in values or ()]
    names = [name for name, _ in fields]
    if len(set(names)) != len(names):
        raise bad_user_input("`orderBy` names a field twice.", argument="orderBy")
    return fields


def _of_projects(value: ProjectFilter | None) -> c.ProjectCriteria | None:
    return None if value is None else project_criteria(value, "filter.project")


def partner_criteria(value: PartnerFilter | None) -> c.PartnerCriteria:
    if value is None:
        return c.PartnerCriteria()
    return c.PartnerCriteria(
        ids=decode_ids(value.ids, "Partner", "filter.ids"),
        codes=_tuple(value.codes),
        acronyms=_tuple(value.acronyms),
        kinds=_tuple(value.kinds),
        under=value.under,
        project_country_codes=_countries(value.project_countries, "filter.projectCountries"),
        search=_search(value.search, "filter.search"),
        updated_since=value.updated_since,
    )


def programme_criteria(value: ProgrammeFilter | None) -> c.ProgrammeCriteria:
    if value is None:
        return c.ProgrammeCriteria()
    return c.ProgrammeCriteria(
        codes=_tuple(value.codes),
        partner_codes=_tuple(value.partners),
        phases_of=value.phases_of,
        search=_search(value.search, "filter.search"),
        updated_since=value.updated_since,
    )


def beneficiary_group_criteria(value: BeneficiaryGroupFilter | None) -> c.BeneficiaryGroupCriteria:
    if value is None:
        return c.BeneficiaryGroupCriteria()
    return c.BeneficiaryGroupCriteria(
        categories=_tuple(value.categories),
        country_codes=_countries(value.countries, "filter.countries"),
        project=None
        if value.project is None
        else project_criteria(value.project, "filter.project"),
        search=_search(value.search, "filter.search"),
        updated_since=value.updated_since,
    )


def outcome_criteria(value: OutcomeFilter | None) -> c.OutcomeCriteria:
    if value is None:
        return c.OutcomeCriteria()
    return c.OutcomeCriteria(
        kinds=_tuple(value.kinds),
        on_track=value.on_track,
        project=None
        if value.project is None
        else project_criteria(value.project, "filter.project"),
        search=_search(value.search, "filter.search"),
        updated_since=value.updated_since,
    )


def contribution_criteria(value: ContributionFilter | None) -> c.ContributionCriteria:
    if value is None:
        return c.ContributionCriteria()
    return c.ContributionCriteria(
        kinds=_tuple(value.kinds),
        donor_codes=_tuple(value.donors),
        recipient_codes=_tuple(value.recipients),
        years=_years(value.years, "filter.years"),
        updated_since=value.updated_since,
    )


def agreement_criteria(value: AgreementFilter | None) -> c.AgreementCriteria:
    if value is None:
        return c.AgreementCriteria()
    return c.AgreementCriteria(
        kinds=_tuple(value.kinds),
        party_codes=_tuple(value.parties),
        signed=_dates(value.signed, "filter.signed"),
    )
