"""Write one read activity to the tables: create, update in place, or leave alone.

An activity is keyed by its IATI identifier, so importing a file twice changes nothing and
importing a newer one updates the same project. Every write goes through ``db.writes``,
so it is versioned and lands in the audit trail like an edit made through the API; links
and child records the newer file no longer lists are deleted, each with its tombstone.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from db import queries as q
from db import writes
from db.enums import PartnerKind
from db.tables.citations import CITED_RECORDS
from iati.records import Activity, Figure, Money, Organisation, Problem, Source


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
        self.partners_by_ref: dict[str, RowMapping] = {}
        self.partners_by_code: dict[str, RowMapping] = {}
        self.partners_by_name: dict[str, list[RowMapping]] = {}
        self.programmes: dict[str, int] = {}
        self.countries: set[str] = set()
        self.regions: set[str] = set()
        self.themes: set[str] = set()
        self.documents: dict[str, int] = {}
        self.citations: list[dict[str, Any]] = []
        self.trail: list[dict[str, Any]] = []
        """Audit entries of the records created for the activity being saved."""
        self.fresh = False
        """Whether the project being saved was just created, so has no rows to compare."""

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
        documents = await self.conn.execute(
            sa.select(q.source_document.c.file_name, q.source_document.c.id)
        )
        self.documents = dict(documents.all())

    def forget(self) -> None:
        """Drop what was cached or buffered: the activity being saved was rolled back, and
        with it any partner, programme, theme or document it created."""
        self._loaded = False
        self.partners_by_ref, self.partners_by_code, self.partners_by_name = {}, {}, {}
        self.programmes, self.themes, self.documents = {}, set(), {}
        self.citations, self.trail = [], []

    def _remember(self, partner: RowMapping) -> None:
        if partner["iati_identifier"]:
            self.partners_by_ref[partner["iati_identifier"]] = partner
        self.partners_by_code[partner["code"]] = partner
        self.partners_by_name.setdefault(partner["name"].casefold(), []).append(partner)

    async def check(self, activity: Activity) -> list[Problem]:
        """What the tables cannot hold: places the service does not know."""
        await self._load()
        problems = [
            Problem(f"recipient-country {c.code!r} is not a country the service knows", c.line)
            for c in activity.countries
            if c.code not in self.countries
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
        return [Problem(p.message, p.line or activity.line, activity.identifier) for p in problems]

    async def save(self, activity: Activity) -> tuple[str, list[Problem]]:
        """``created``, ``updated`` or ``unchanged``, or the problems that stopped it."""
        problems = await self.check(activity)
        if problems:
            return "refused", problems
        self.changed = False
        existing, holder = await self._existing_project(activity)
        code = activity.code or (existing["code"] if existing else activity.identifier)
        if existing is None and holder is not None:
            problem = f"project code {code!r} belongs to another activity"
            return "refused", [Problem(problem, activity.line, activity.identifier)]
        values = self._project_values(activity, code)
        if activity.status is not None and activity.status_as_of is None:
            # The file does not date its status: the status holds as of its first import.
            if existing is not None and existing["status"] == activity.status:
                values["status_as_of"] = existing["status_as_of"]
            else:
                values["status_as_of"] = date.today()
        self.fresh = existing is None
        if existing is None:
            [row] = await writes.create_many(
                self.conn, q.project, [values], key_name=self.key_name, trail=self.trail
            )
            outcome = "created"
        elif _differs(existing, values):
            row = await writes.update(
                self.conn,
                q.project,
                existing["id"],
                existing["version"],
                values,
                key_name=self.key_name,
            )
            outcome = "updated"
        else:
            row, outcome = existing, "unchanged"
        project_id = row["id"]
        await self._cite("project_id", project_id, activity.sources, activity)
        await self._sync_links(activity, project_id)
        await self._sync_children(activity, project_id, code)
        await writes.record_changes(self.conn, self.trail)
        self.trail = []
        await self._flush_citations()
        if outcome == "unchanged" and self.changed:
            outcome = "updated"
        return outcome, []

    async def _existing_project(
        self, activity: Activity
    ) -> tuple[RowMapping | None, RowMapping | None]:
        """The project the activity updates, and the project holding its code, if another."""
        p = q.project
        code = activity.code or activity.identifier
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
            "status_as_of": a.status_as_of if a.status else None,
            "status_derived": a.status_derived,
            "duration_months": a.duration_months,
            **_money("budget_amount", "budget_currency", a.budget),
        }
        for name in ("planned_start", "planned_end", "actual_start", "actual_end"):
            d = a.dates.get(name)
            values[name] = None if d is None else d.value
            values[f"{name}_precision"] = None if d is None else d.precision
            values[f"{name}_derived"] = False if d is None else d.derived
        return values

    async def _partner_id(self, o: Organisation, activity: Activity) -> int:
        """The partner a file names: by IATI identifier; else by the code the service's own
        extension gives; else by name, among partners without a different identifier (and
        then the partner gains the identifier, so the next file finds it by that)."""
        named = self.partners_by_name.get(o.name.casefold(), [])
        found = (
            (self.partners_by_ref.get(o.ref) if o.ref else None)
            or (self.partners_by_code.get(o.code) if o.code else None)
            or next((r for r in named if r["iati_identifier"] in (None, o.ref)), None)
        )
        if found is not None and o.ref and found["iati_identifier"] is None:
            # Found by name: the file tells the partner's identifier, which it lacked.
            found = await writes.update(
                self.conn,
                q.partner,
                found["id"],
                found["version"],
                {"iati_identifier": o.ref},
                key_name=self.key_name,
            )
            self.changed = True
            self._remember(found)
        if found is not None:
            return int(found["id"])
        code = o.code or _slug(o.acronym or o.ref or o.name)
        base, n = code, 1
        while code in self.partners_by_code:
            n += 1
            code = f"{base}-{n}"
        row = await writes.create(
            self.conn,
            q.partner,
            {
                "code": code,
                "name": o.name,
                "acronym": o.acronym,
                "kind": o.kind or PartnerKind.OTHER,
                "iati_identifier": o.ref,
            },
            key_name=self.key_name,
        )
        self.changed = True
        self._remember(row)
        await self._cite("partner_id", row["id"], [], activity)
        return int(row["id"])

    async def _programme_id(
        self, ref: str, code: str | None, name: str | None, activity: Activity
    ) -> int:
        found = self.programmes.get(ref) or (code and self.programmes.get(f"code:{code}"))
        if found:
            return found
        row = await writes.create(
            self.conn,
            q.programme,
            {"code": code or ref, "name": name or ref, "iati_identifier": ref},
            key_name=self.key_name,
        )
        self.changed = True
        self.programmes[ref] = self.programmes[f"code:{row['code']}"] = row["id"]
        await self._cite("programme_id", row["id"], [], activity)
        return int(row["id"])

    async def _theme(self, slug: str, name: str) -> None:
        if slug not in self.themes:
            await self.conn.execute(
                insert(q.theme).values(slug=slug, name=name).on_conflict_do_nothing()
            )
            self.themes.add(slug)

    async def _sync_links(self, a: Activity, project_id: int) -> None:
        partner_ids = [await self._partner_id(link.organisation, a) for link in a.partners]
        partners = [
            _Wanted(
                (partner_id, link.role),
                {
                    "partner_id": partner_id,
                    "role": link.role,
                    **_money("amount", "currency", link.amount),
                },
                link.sources,
            )
            for partner_id, link in zip(partner_ids, a.partners, strict=True)
        ]
        await self._sync(q.project_partner, project_id, partners, ("partner_id", "role"), a)
        countries = [
            _Wanted(
                (c.code, c.role),
                {"country_code": c.code, "role": c.role, "percentage": c.percentage},
                c.sources,
            )
            for c in a.countries
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
        programmes = [await self._programme_id(p.ref, p.code, p.name, a) for p in a.programmes]
        await self._sync(
            q.project_programme,
            project_id,
            [_Wanted((pid,), {"programme_id": pid}, []) for pid in programmes],
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
            rows = await self.conn.execute(sa.select(table).where(table.c.project_id == project_id))
            current = {tuple(str(r[k]) for k in key): r for r in rows.mappings().all()}
        by_key = {tuple(str(v) for v in w.key): w for w in wanted}
        versioned = "version" in table.c
        for k, row in current.items():
            want = by_key.get(k)
            if want is None or (not versioned and _differs(row, want.values)):
                version = row["version"] if versioned else None
                await writes.delete(self.conn, table, row["id"], version, key_name=self.key_name)
                self.changed = True
        kept: list[tuple[int, _Wanted]] = []
        new: list[_Wanted] = []
        for k, want in by_key.items():
            found = current.get(k)
            if found is not None and not _differs(found, want.values):
                kept.append((found["id"], want))
            elif found is not None and versioned:
                await writes.update(
                    self.conn,
                    table,
                    found["id"],
                    found["version"],
                    want.values,
                    key_name=self.key_name,
                )
                self.changed = True
                kept.append((found["id"], want))
            else:
                new.append(want)
        if new:
            created = await writes.create_many(
                self.conn,
                table,
                [{"project_id": project_id, **w.values} for w in new],
                key_name=self.key_name,
                trail=self.trail,
            )
            self.changed = True
            kept += [(row["id"], w) for row, w in zip(created, new, strict=True)]
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
        for source in given or [None]:
            excerpt = f"iati-activity {activity.identifier}" if source is None else source.excerpt
            self.citations.append(
                {
                    **empty,
                    "document_id": await self._document_id(source),
                    "excerpt": excerpt,
                    column: record_id,
                }
            )

    async def _flush_citations(self) -> None:
        if self.citations:
            await self.conn.execute(insert(q.citation).on_conflict_do_nothing(), self.citations)
            self.citations = []


_CITED = {"project_partner", "project_country", "beneficiary_group", "outcome"}


def _differs(row: RowMapping, values: Mapping[str, Any]) -> bool:
    return any(row[k] != v for k, v in values.items())
