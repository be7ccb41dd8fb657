"""Write one read activity to the tables: create, update in place, or leave alone.

An activity is keyed by its IATI identifier. Importing the same activity again (the same
canonical XML) changes nothing; a newer one (a later ``last-updated-datetime``, or no
dates to compare) updates the same project; an older one is left alone and reported as
such. The project and the service's links and records (partners, countries, themes,
outcomes...) go through ``db.writes``, so they are versioned and land in the audit trail
like an edit made through the API. The activity's IATI elements (transactions, budgets,
sectors, results...) are replaced as a set whenever the activity changes (transactions
rarely have a ``ref`` to match them by, so a newer file never duplicates them), written in
batches across activities (``iati.activity_rows``); the project's audit entry covers them.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pycountry
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import writes
from db.codelists import CodeInfo, known_codes_of
from db.enums import ImportWarningKind, PartnerKind
from db.tables.citations import CITED_RECORDS
from iati.activity_rows import RowBatch
from iati.code_checks import CODELISTS, code_warnings
from iati.codes import ORGANISATION_TYPES
from iati.organisations import REGISTRATION_AGENCIES, is_registered
from iati.pending_records import PendingRecords
from iati.records import (
    Activity,
    Figure,
    ImportWarning,
    Money,
    Organisation,
    OrgRef,
    PlannedDisbursement,
    Problem,
    Source,
    Transaction,
    narratives_json,
)
from iati.synced import SYNCED

BATCH_ROWS = 20_000
"""Rows of IATI elements held before they are written: enough to make the inserts few and
large, few enough to keep an import's memory flat whatever the file's size."""
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_Record = Mapping[Any, Any]
"""A row as read (``RowMapping``), or one held to be written (a ``dict``)."""


def _figure(name: str, figure: Figure | None) -> dict[str, Any]:
    return {
        name: None if figure is None else figure.value,
        f"{name}_qualifier": None if figure is None else figure.qualifier,
    }


def _money(prefix: str, currency: str, money: Money | None) -> dict[str, Any]:
    return {
        prefix: None if money is None else money.amount,
        currency: None if money is None else money.currency,
        f"{prefix}_qualifier": None if money is None else money.qualifier,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "partner"


@dataclass
class _Wanted:
    """A row the activity asks for, its natural key, and the passages that support it."""

    key: Any
    values: dict[str, Any]
    sources: list[Source]


class ActivityWriter:
    """Writes activities of one file; caches the small tables it resolves names against."""

    def __init__(self, conn: AsyncConnection, *, key_name: str) -> None:
        self.conn = conn
        self.file_name = ""
        """The file being read: records without passages of their own cite it."""
        self.key_name = key_name
        self.changed = False
        self._loaded = False
        self.partners_by_ref: dict[str, _Record] = {}
        self.partners_by_code: dict[str, _Record] = {}
        self.partners_by_name: dict[str, list[_Record]] = {}
        self.partners_by_local: dict[tuple[str, str, str], _Record] = {}
        self.programmes: dict[str, int] = {}
        self.countries: set[str] = set()
        self.regions: set[str] = set()
        self.themes: set[str] = set()
        self.documents: dict[str, int] = {}
        self.codes: dict[str, dict[str, CodeInfo]] = {}
        """The codelists codes are checked against, and the registration agencies."""
        self.citations: list[dict[str, Any]] = []
        self.new_citations: list[dict[str, Any]] = []
        """Citations of the records the activity being saved creates (none can exist)."""
        self.trail: list[dict[str, Any]] = []
        """Audit entries of the records created for the activity being saved."""
        self.fresh = False
        """Whether the project being saved was just created, so has no rows to compare."""
        self.batch = RowBatch()
        self.pending = PendingRecords()
        """The partners, programmes, projects, links and records created since the last
        flush: they go in together with the batch's element rows."""
        self.pending_projects: set[str] = set()
        """Identifiers and codes of the projects among them."""
        self.known_projects: dict[str, list[dict[str, Any]]] = {}
        """Projects looked up ahead for the activities of a batch (``prefetch``), by the
        identifiers and codes asked for (a key with no project: an empty list)."""
        self.known_rows: dict[str, dict[int, list[RowMapping]]] = {}
        """The links and records (``SYNCED``) of the projects a batch updates, looked up
        ahead with them: by table, then project."""
        self.deletes: dict[str, list[RowMapping]] = {}
        self.updates: dict[str, list[tuple[_Record, dict[str, Any]]]] = {}
        """Links and records to delete and records to update (each as read, with the values
        wanted), by table: written at the flush, one statement per table, so an activity
        updated by a newer file costs what a new one does."""

    async def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        for row in (await self.conn.execute(sa.select(q.partner))).mappings().all():
            self._remember(row)
        programmes = await self.conn.execute(
            sa.select(q.programme.c.id, q.programme.c.iati_identifier, q.programme.c.code)
        )
        for pid, ref, code in programmes.all():
            self.programmes[f"code:{code}"] = pid
            if ref:
                self.programmes[ref] = pid
        self.countries = set((await self.conn.execute(sa.select(q.country.c.code))).scalars())
        self.regions = set((await self.conn.execute(sa.select(q.region.c.code))).scalars())
        self.themes = set((await self.conn.execute(sa.select(q.theme.c.slug))).scalars())
        self.codes = await known_codes_of(self.conn, [*CODELISTS, REGISTRATION_AGENCIES])
        documents = await self.conn.execute(
            sa.select(q.source_document.c.file_name, q.source_document.c.id)
        )
        self.documents = dict(documents.all())

    def forget(self) -> None:
        """Drop what was cached or buffered: the activity being saved was rolled back, and
        with it any partner, programme, theme or document it created."""
        self._loaded = False
        self.partners_by_ref, self.partners_by_code, self.partners_by_name = {}, {}, {}
        self.partners_by_local = {}
        self.countries = set()
        self.programmes, self.themes, self.documents = {}, set(), {}
        self.citations, self.new_citations, self.trail = [], [], []
        self.batch = RowBatch()
        self.pending.forget()
        self.pending_projects, self.known_projects = set(), {}
        self.known_rows, self.deletes, self.updates = {}, {}, {}

    def _remember(self, partner: _Record) -> None:
        if partner["iati_identifier"]:
            self.partners_by_ref[partner["iati_identifier"]] = partner
        if partner["local_ref"]:
            key = (partner["publisher_ref"], partner["local_ref"], partner["name"].casefold())
            self.partners_by_local[key] = partner
        self.partners_by_code[partner["code"]] = partner
        self.partners_by_name.setdefault(partner["name"].casefold(), []).append(partner)

    async def flush(self) -> None:
        """Write what the activities saved so far changed: the links and records they
        drop (first: a link made again has the same key), the records they create, those
        they update (which may name the new ones), then their IATI elements, audit entries
        and citations."""
        trail: list[dict[str, Any]] = []
        for table in SYNCED:
            rows = self.deletes.pop(table.name, [])
            await writes.delete_many(self.conn, table, rows, key_name=self.key_name, trail=trail)
        trail += await self.pending.flush(self.conn, key_name=self.key_name)
        for table in (q.project, *SYNCED):
            updates = self.updates.pop(table.name, [])
            await writes.update_many(self.conn, table, updates, key_name=self.key_name, trail=trail)
        self.batch.changes.extend(trail)
        self.pending_projects = set()
        await self.batch.flush(self.conn)

    async def prefetch(self, activities: Sequence[Activity]) -> None:
        """Look up the projects of the activities about to be saved, in one statement, and
        the links and records of those the activities change, in one per table."""
        self.known_rows = {}  # what the last batch did not use (an older activity's)
        keys = {a.identifier for a in activities} | {a.code or a.identifier for a in activities}
        keys -= self.known_projects.keys()
        if not keys:
            return
        p = q.project
        listed = sa.func.cast(sa.literal(sorted(keys)), ARRAY(sa.String))
        rows = await self.conn.execute(
            sa.select(p).where(
                sa.or_(p.c.iati_identifier == sa.any_(listed), p.c.code == sa.any_(listed))
            )
        )
        for key in keys:
            self.known_projects[key] = []
        digests = {a.identifier: a.digest for a in activities}
        changing: list[int] = []
        for row in rows.mappings().all():
            for key in {row["iati_identifier"], row["code"]} & keys:
                self.known_projects[key].append(dict(row))
            if digests.get(row["iati_identifier"]) != row["iati_digest"]:
                changing.append(row["id"])
        if not changing:
            return
        for table in SYNCED:
            found = await self.conn.execute(
                sa.select(table).where(table.c.project_id.in_(changing))
            )
            by_project = self.known_rows.setdefault(table.name, {})
            for project_id in changing:
                by_project[project_id] = []
            for link in found.mappings().all():
                by_project[link["project_id"]].append(link)

    async def check(self, activity: Activity) -> list[Problem]:
        """What the tables cannot hold: a country code that is no ISO 3166 shape, a place
        of the service's extension it does not know. (A well-formed country code the
        service lacks is added when the activity is saved, with a warning if ISO 3166
        does not know it either.)"""
        await self._load()
        problems = [
            Problem(
                f"recipient-country code {c.code!r} is not two letters",
                c.line,
                element="recipient-country/@code",
            )
            for c in activity.countries
            if not _COUNTRY_CODE.fullmatch(c.code)
        ]
        problems += [
            Problem(f"beneficiary group country {g.country!r} is unknown")
            for g in activity.groups
            if g.country is not None and g.country not in self.countries
        ]
        problems += [
            Problem(f"region {r!r} is not a region the service knows")
            for r in activity.regions
            if r not in self.regions
        ]
        return [
            Problem(p.message, p.line or activity.line, activity.identifier, element=p.element)
            for p in problems
        ]

    async def _add_countries(self, activity: Activity) -> list[ImportWarning]:
        """Countries the file names that the service lacks (all of them in a database not
        yet seeded) are added as written: named as ISO 3166 names them, or by the file's
        narrative, with a warning, when ISO 3166 does not know the code (``XX``)."""
        warnings = []
        for c in activity.countries:
            if c.code in self.countries:
                continue
            known = pycountry.countries.get(alpha_2=c.code)
            name = (
                known.name
                if known is not None
                else (c.narratives[0].text if c.narratives else None) or c.code
            )
            await self.conn.execute(
                insert(q.country).values(code=c.code, name=name).on_conflict_do_nothing()
            )
            self.countries.add(c.code)
            if known is None:
                warnings.append(
                    ImportWarning(
                        ImportWarningKind.UNKNOWN_COUNTRY,
                        f"recipient-country {c.code!r} is not an ISO 3166 country: kept as written",
                        "recipient-country",
                        c.line,
                    )
                )
        return warnings

    async def save(self, activity: Activity) -> tuple[str, list[Problem]]:
        """``created``, ``updated``, ``unchanged`` or ``older`` (a newer version of the
        activity is in the database, and stays), or the problems that stopped it."""
        problems = await self.check(activity)
        if problems:
            return "refused", problems
        self.changed = False
        existing, holder = await self._existing_project(activity)
        code = activity.code or (existing["code"] if existing else activity.identifier)
        if existing is None and holder is not None:
            problem = f"project code {code!r} belongs to another activity"
            return "refused", [
                Problem(problem, activity.line, activity.identifier, element="iati-identifier")
            ]
        if existing is not None and existing["iati_digest"] is not None:
            if existing["iati_digest"] == activity.digest:
                return "unchanged", []
            stored, read = existing["last_updated_datetime"], activity.last_updated
            if stored is not None and read is not None and read < stored:
                return "older", []
        warnings = [
            *activity.warnings,
            *code_warnings(activity, self.codes),
            *await self._add_countries(activity),
        ]
        values = self._project_values(activity, code)
        partner_ids = [
            await self._partner_id(link.organisation, activity) for link in activity.partners
        ]
        values["reporting_org_partner_id"] = await self._reporter_id(activity, partner_ids)
        programme_ids = [
            await self._programme_id(p.ref, p.code, p.name, activity) for p in activity.programmes
        ]
        if activity.status is not None and activity.status_as_of is None:
            # The file does not date its status: the status holds as of its first import.
            if existing is not None and existing["status"] == activity.status:
                values["status_as_of"] = existing["status_as_of"]
            else:
                values["status_as_of"] = date.today()
        self.fresh = existing is None
        for key in {activity.identifier, code}:
            self.known_projects.pop(key, None)
        # Given again before the flush, it must be written first to be compared against.
        self.pending_projects |= {activity.identifier, code}
        if existing is None:
            project_id = await self.pending.add(self.conn, q.project, values)
            outcome = "created"
        else:
            project_id = existing["id"]
            outcome = "unchanged"
            if _differs(existing, values):
                # At the flush, after the partners it may name, if still at its version.
                self.updates.setdefault(q.project.name, []).append((existing, values))
                outcome = "updated"
        await self._cite("project_id", project_id, activity.sources, activity)
        await self._sync_links(activity, project_id, partner_ids, programme_ids)
        await self._sync_children(activity, project_id, code)
        element_partners = await self._element_partners(activity)
        for link, partner_id in zip(activity.partners, partner_ids, strict=True):
            # The participating-org elements a link was read from name its partner.
            element_partners[id(link.organisation)] = partner_id
        # The audit entries and citations wait with the activity's rows: the records they
        # name exist, and one INSERT of many is far cheaper than two per activity.
        self.batch.audit(self.trail, self.citations, self.new_citations)
        self.trail, self.citations, self.new_citations = [], [], []
        if outcome == "unchanged" and (
            self.changed or (existing is not None and existing["iati_digest"] is not None)
        ):
            outcome = "updated"
        if project_id in self.batch.projects:
            await self.flush()
        activity.warnings = warnings
        self.batch.add(
            activity,
            project_id,
            lambda named: None if named is None else element_partners.get(id(named)),
            file_name=self.file_name,
            replace=not self.fresh,
        )
        if self.batch.size >= BATCH_ROWS:
            await self.flush()
        return outcome, []

    async def _element_partners(self, activity: Activity) -> dict[int, int]:
        """The partners the transactions and planned disbursements name, by the id of the
        ``OrgRef`` naming them (matched as participating organisations are); the caller
        adds the participating-orgs', by the id of their ``Organisation``."""
        found: dict[int, int] = {}
        items: list[Transaction | PlannedDisbursement] = [
            *activity.transactions,
            *activity.planned_disbursements,
        ]
        # An activity's transactions name the same few organisations over and over: each is
        # matched once (matching it again finds the partner the first match found or made).
        matched: dict[tuple[str | None, str | None, str | None], int | None] = {}
        for item in items:
            for org in (item.provider, item.receiver):
                if org is None:
                    continue
                key = (org.ref, org.name, org.type)
                if key not in matched:
                    organisation = _organisation(org)
                    matched[key] = (
                        None
                        if organisation is None
                        else await self._partner_id(organisation, activity)
                    )
                if (partner_id := matched[key]) is not None:
                    found[id(org)] = partner_id
        return found

    async def _existing_project(self, activity: Activity) -> tuple[_Record | None, _Record | None]:
        """The project the activity updates, and the project holding its code, if another."""
        p = q.project
        code = activity.code or activity.identifier
        if {activity.identifier, code} & self.pending_projects:
            # Given twice in a batch: the first must be in the table to compare against.
            await self.flush()
        rows: Sequence[_Record]
        if activity.identifier in self.known_projects and code in self.known_projects:
            rows = [*self.known_projects[activity.identifier], *self.known_projects[code]]
        else:
            rows = (
                (
                    await self.conn.execute(
                        sa.select(p).where(
                            sa.or_(p.c.iati_identifier == activity.identifier, p.c.code == code)
                        )
                    )
                )
                .mappings()
                .all()
            )
        by_identifier = next((r for r in rows if r["iati_identifier"] == activity.identifier), None)
        by_code = next((r for r in rows if r["code"] == code), None)
        if by_identifier is not None:
            return by_identifier, None
        if by_code is not None and activity.code is not None and by_code["iati_identifier"] is None:
            return by_code, None
        return None, by_code

    def _project_values(self, a: Activity, code: str) -> dict[str, Any]:
        values: dict[str, Any] = {
            "code": code,
            "iati_identifier": a.identifier,
            "title": a.title,
            "acronym": a.acronym,
            "summary": a.summary,
            "status": a.status,
            "status_code": a.status_code,
            "status_as_of": a.status_as_of if a.status else None,
            "status_derived": a.status_derived,
            "duration_months": a.duration_months,
            **_money("budget_amount", "budget_currency", a.budget),
            "iati_version": a.iati_version,
            "iati_digest": a.digest,
            "last_updated_datetime": a.last_updated,
            "last_updated_without_zone": a.last_updated_without_zone,
            "lang": a.lang,
            "default_currency": a.default_currency,
            "hierarchy": a.hierarchy,
            "humanitarian": a.humanitarian,
            "budget_not_provided": a.budget_not_provided,
            "linked_data_uri": a.linked_data_uri,
            "title_narratives": narratives_json(a.title_narratives),
            "collaboration_type": a.collaboration_type,
            "default_flow_type": a.default_flow_type,
            "default_finance_type": a.default_finance_type,
            "default_aid_types": [
                {"vocabulary": c.vocabulary, "code": c.code} for c in a.default_aid_types
            ],
            "default_tied_status": a.default_tied_status,
            "activity_scope": a.activity_scope,
            "capital_spend": a.capital_spend,
            "conditions_attached": a.conditions_attached,
            "country_budget_items_vocabulary": a.country_budget_items_vocabulary,
            "crs_add": a.crs_add,
            "fss": a.fss,
            **_reporting_org(a.reporting_org),
        }
        for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
            d = a.dates.get(name)
            values[name] = None if d is None else d.value
            values[f"{name}_precision"] = None if d is None else d.precision
            values[f"{name}_derived"] = False if d is None else d.derived
        return values

    async def _partner_id(self, o: Organisation, activity: Activity) -> int:
        """The partner a file names (``iati.organisations``): by a registered identifier;
        else by the code the service's own extension gives; a publisher's local ref by
        itself, its name and that publisher, or by its name alone among partners known only
        by name (a seeded partner); no ref, by name, among partners without a different
        identifier (a registered identifier then becomes the partner's, so the
        next file finds it by that)."""
        agencies = self.codes.get(REGISTRATION_AGENCIES, {}).keys()
        registered = o.ref if o.ref and is_registered(o.ref, agencies) else None
        local = o.ref if o.ref and registered is None else None
        publisher = _publisher(activity)
        named = self.partners_by_name.get(o.name.casefold(), [])
        if local is not None:
            found = self.partners_by_local.get((publisher, local, o.name.casefold())) or next(
                (r for r in named if r["iati_identifier"] is None and r["local_ref"] is None),
                None,
            )
        else:
            found = (
                (self.partners_by_ref.get(registered) if registered else None)
                or (self.partners_by_code.get(o.code) if o.code else None)
                or next((r for r in named if r["iati_identifier"] in (None, registered)), None)
            )
        if found is not None and registered and found["iati_identifier"] is None:
            # Found by name: the file tells the partner's identifier, which it lacked.
            if isinstance(found, dict) and self.pending.holds(q.partner, found["id"]):
                found["iati_identifier"] = registered  # not written yet: created with it
            else:
                found = await writes.update(
                    self.conn,
                    q.partner,
                    found["id"],
                    found["version"],
                    {"iati_identifier": registered},
                    key_name=self.key_name,
                )
            self.changed = True
            self._remember(found)
        if found is not None:
            return int(found["id"])
        code = o.code or _slug(o.acronym or registered or o.name)
        base, n = code, 1
        while code in self.partners_by_code:
            n += 1
            code = f"{base}-{n}"
        row: dict[str, Any] = {
            "code": code,
            "name": o.name,
            "acronym": o.acronym,
            "kind": o.kind or PartnerKind.OTHER,
            "iati_identifier": registered,
            "local_ref": local,
            "publisher_ref": publisher if local is not None else None,
        }
        partner_id = await self.pending.add(self.conn, q.partner, row)
        self.changed = True
        self._remember(row)
        await self._cite("partner_id", partner_id, [], activity)
        return partner_id

    async def _programme_id(
        self, ref: str, code: str | None, name: str | None, activity: Activity
    ) -> int:
        found = self.programmes.get(ref) or (code and self.programmes.get(f"code:{code}"))
        if found:
            return found
        code = code or ref
        programme_id = await self.pending.add(
            self.conn, q.programme, {"code": code, "name": name or ref, "iati_identifier": ref}
        )
        self.changed = True
        self.programmes[ref] = self.programmes[f"code:{code}"] = programme_id
        await self._cite("programme_id", programme_id, [], activity)
        return programme_id

    async def _theme(self, slug: str, name: str) -> None:
        if slug not in self.themes:
            await self.conn.execute(
                insert(q.theme).values(slug=slug, name=name).on_conflict_do_nothing()
            )
            self.themes.add(slug)

    async def _reporter_id(self, activity: Activity, partner_ids: list[int]) -> int | None:
        """The reporting organisation's partner: the participating one it is (reading lists
        it among them), else matched on its own."""
        reporter = activity.reporting_org
        if reporter is None:
            return None
        for link, partner_id in zip(activity.partners, partner_ids, strict=True):
            if link.organisation is reporter:
                return partner_id
        for link, partner_id in zip(activity.partners, partner_ids, strict=True):
            o = link.organisation
            if (reporter.ref and o.ref == reporter.ref) or (
                not reporter.ref and o.name == reporter.name
            ):
                return partner_id
        return await self._partner_id(reporter, activity)

    async def _sync_links(
        self, a: Activity, project_id: int, partner_ids: list[int], programme_ids: list[int]
    ) -> None:
        partners = [
            _Wanted(
                (partner_id, link.role),
                {
                    "partner_id": partner_id,
                    "role": link.role,
                    **_money("amount", "currency", link.amount),
                    "activity_id": link.activity_id,
                    # -1: no participating-org of the file (the reporter, linked as
                    # accountable by the reading), which an export does not write.
                    "position": i if link.listed else -1,
                },
                link.sources,
            )
            for i, (partner_id, link) in enumerate(zip(partner_ids, a.partners, strict=True))
        ]
        await self._sync(q.project_partner, project_id, partners, ("partner_id", "role"), a)
        countries = [
            _Wanted(
                (c.code, c.role),
                {
                    "country_code": c.code,
                    "role": c.role,
                    "percentage": c.percentage,
                    "narratives": narratives_json(c.narratives),
                    "position": i,
                },
                c.sources,
            )
            for i, c in enumerate(a.countries)
        ]
        await self._sync(q.project_country, project_id, countries, ("country_code", "role"), a)
        await self._sync(
            q.project_region,
            project_id,
            [_Wanted((r,), {"region_code": r}, []) for r in a.regions],
            ("region_code",),
            a,
        )
        for t in a.themes:
            await self._theme(t.slug, t.name)
        await self._sync(
            q.project_theme,
            project_id,
            [_Wanted((t.slug,), {"theme_slug": t.slug}, []) for t in a.themes],
            ("theme_slug",),
            a,
        )
        await self._sync(
            q.project_programme,
            project_id,
            [_Wanted((pid,), {"programme_id": pid}, []) for pid in programme_ids],
            ("programme_id",),
            a,
        )

    async def _sync_children(self, a: Activity, project_id: int, code: str) -> None:
        groups = [
            _Wanted(
                (g.code or f"{code}-group-{i}",),
                {
                    "code": g.code or f"{code}-group-{i}",
                    "description": g.description,
                    "categories": [c.value for c in g.categories],
                    **_figure("target_count", g.target_count),
                    **_figure("reached_count", g.reached_count),
                    **_figure("women_share", g.women_share),
                    "country_code": g.country,
                    "location": g.location,
                },
                g.sources,
            )
            for i, g in enumerate(a.groups, 1)
        ]
        await self._sync(q.beneficiary_group, project_id, groups, ("code",), a)
        outcomes = [
            _Wanted(
                (r.code or f"{code}-outcome-{i}",),
                {
                    "code": r.code or f"{code}-outcome-{i}",
                    "kind": r.kind,
                    "statement": r.statement,
                    "indicator": r.indicator,
                    "measure": r.measure,
                    "unit": r.unit,
                    **_figure("baseline", r.baseline),
                    "baseline_year": r.baseline_year,
                    **_figure("target", r.target),
                    **_figure("actual", r.actual),
                    "period_start": r.period_start,
                    "period_end": r.period_end,
                    "period_precision": r.period_precision,
                    "dimensions": r.dimensions,
                },
                r.sources,
            )
            for i, r in enumerate(a.results, 1)
        ]
        await self._sync(q.outcome, project_id, outcomes, ("code",), a)

    async def _sync(
        self,
        table: sa.Table,
        project_id: int,
        wanted: Sequence[_Wanted],
        key: tuple[str, ...],
        activity: Activity,
    ) -> None:
        """Make the project's rows of ``table`` the wanted ones: versioned records are updated
        in place; links, which have no version, are replaced when they differ. New rows go in
        together, so a new project costs a fixed number of statements per table."""
        current: dict[tuple[str, ...], RowMapping] = {}
        if not self.fresh:
            known = self.known_rows.get(table.name, {}).pop(project_id, None)
            if known is None:
                rows = await self.conn.execute(
                    sa.select(table).where(table.c.project_id == project_id)
                )
                known = list(rows.mappings().all())
            current = {tuple(str(r[k]) for k in key): r for r in known}
        by_key = {tuple(str(v) for v in w.key): w for w in wanted}
        versioned = "version" in table.c
        for k, row in current.items():
            want = by_key.get(k)
            if want is None or (not versioned and _differs(row, want.values)):
                self.deletes.setdefault(table.name, []).append(row)
                self.changed = True
        kept: list[tuple[int, _Wanted]] = []
        new: list[_Wanted] = []
        for k, want in by_key.items():
            found = current.get(k)
            if found is not None and not _differs(found, want.values):
                kept.append((found["id"], want))
            elif found is not None and versioned:
                self.updates.setdefault(table.name, []).append((found, want.values))
                self.changed = True
                kept.append((found["id"], want))
            else:
                new.append(want)
        if new:
            # Written with the batch; a project updated in place was written before.
            for w in new:
                values = {"project_id": project_id, **w.values}
                kept.append((await self.pending.add(self.conn, table, values), w))
            self.changed = True
        if table.name in _CITED:
            for record_id, want in kept:
                await self._cite(f"{table.name}_id", record_id, want.sources, activity)

    async def _document_id(self, source: Source | None) -> int:
        name = self.file_name if source is None else source.document
        if name not in self.documents:
            values: Mapping[str, Any] = (
                {"file_name": name, "title": f"IATI activity file {name}"}
                if source is None
                else {
                    "file_name": name,
                    "title": source.title or name,
                    "publisher": source.publisher,
                    "published_on": source.published_on,
                    "published_on_precision": source.published_on_precision,
                }
            )
            await self.conn.execute(
                insert(q.source_document).values(**values).on_conflict_do_nothing()
            )
            found = await self.conn.execute(
                sa.select(q.source_document.c.id).where(q.source_document.c.file_name == name)
            )
            self.documents[name] = found.scalar_one()
        return self.documents[name]

    async def _cite(
        self, column: str, record_id: int, sources: list[Source], activity: Activity
    ) -> None:
        """A record cites the passages its file gives, or else the file and activity. The
        citations of an activity are inserted together when it is saved."""
        empty = dict.fromkeys(CITED_RECORDS)
        given: list[Source | None] = list(sources)
        # A record this import is creating has no citations yet: its own go in by COPY.
        new = self.pending.holds_id(column.removesuffix("_id"), record_id)
        citations = self.new_citations if new else self.citations
        for source in given or [None]:
            excerpt = f"iati-activity {activity.identifier}" if source is None else source.excerpt
            citations.append(
                {
                    **empty,
                    "document_id": await self._document_id(source),
                    "excerpt": excerpt,
                    column: record_id,
                }
            )


_CITED = {"project_partner", "project_country", "beneficiary_group", "outcome"}


def _publisher(activity: Activity) -> str:
    """Whose local refs these are: the reporting organisation, by ref or else by name."""
    reporter = activity.reporting_org
    if reporter is None:
        return ""
    return reporter.ref or reporter.name


def _organisation(org: OrgRef | None) -> Organisation | None:
    """A provider or receiver organisation as a partner to match, if it names one."""
    if org is None or (org.ref is None and org.name is None):
        return None
    return Organisation(
        name=org.name or org.ref or "",
        ref=org.ref,
        kind=ORGANISATION_TYPES.get(org.type or ""),
        type=org.type,
        narratives=org.narratives,
    )


def _reporting_org(o: Organisation | None) -> dict[str, Any]:
    return {
        "reporting_org_ref": None if o is None else o.ref,
        "reporting_org_type": None if o is None else o.type,
        "reporting_org_secondary_reporter": None if o is None else o.secondary_reporter,
        "reporting_org_narratives": None if o is None else narratives_json(o.narratives),
    }


def _differs(row: _Record, values: Mapping[str, Any]) -> bool:
    return any(row[k] != v for k, v in values.items())
