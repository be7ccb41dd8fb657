// #/projects/<id> — one project, every figure with the passage it comes from.

import query from "../../queries/project.graphql?raw";
import { errorBox, loadPage, facts, joined, madeUpBadge, pageTitle, queryPanel, sourcesDetails, type PageContext } from "../lib/components";
import { h, replaceChildren, type Child } from "../lib/dom";
import {
  enumLabel,
  formatFuzzyDate,
  formatMoney,
  formatNumber,
  formatPercent,
  formatQualified,
  partnerLabel,
  plural,
  qualifierWord,
} from "../lib/format";
import { partnerHref, programmeHref, projectHref, projectsHref } from "../lib/routes";
import type { BeneficiaryGroup, Outcome, Project, ProjectData, ProjectPartnerLink } from "../lib/types";
import { watchProject } from "../lib/live";
import { isMadeUp } from "../lib/money";
import { womenShare } from "./overview";
import { fundingFlowSection } from "./funding-flow";
import { moneySections } from "./project-money";

const ROLE_ORDER = ["FUNDING", "ACCOUNTABLE", "EXTENDING", "IMPLEMENTING"];

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function dates(p: Project): [string, Child][] {
  const out: [string, Child][] = [];
  const start = formatFuzzyDate(p.actualStart) ?? (p.plannedStart ? `${formatFuzzyDate(p.plannedStart)} (planned)` : null);
  const end = formatFuzzyDate(p.actualEnd) ?? (p.plannedEnd ? `${formatFuzzyDate(p.plannedEnd)} (planned)` : null);
  out.push(["Start", start ?? "not stated"]);
  out.push(["End", end ?? "not stated"]);
  if (p.durationMonths !== null) {
    const how = p.durationDerivedHow ? ` (derived: ${p.durationDerivedHow})` : "";
    out.push(["Duration", `${p.durationMonths} months${how}`]);
  }
  return out;
}

function statusText(p: Project): string {
  // A code outside IATI's ActivityStatus codelist leaves `status` null: the publisher did
  // state one, so say which rather than "Not stated".
  if (!p.status) return p.statusCode ? `Code ${p.statusCode} as published (not in IATI's ActivityStatus codelist)` : "Not stated";
  const asOf = p.statusAsOf ? ` as of ${p.statusAsOf}` : "";
  const derived = p.statusDerivedHow ? ` (derived: ${p.statusDerivedHow})` : " (derived, not stated)";
  return `${enumLabel(p.status)}${asOf}${p.statusDerived ? derived : ""}`;
}

function keyFacts(p: Project, data: ProjectData): HTMLElement {
  const funderAmounts = p.partners.filter((l) => l.role === "FUNDING" && l.amount);
  const budget: Child = p.budget
    ? formatMoney(p.budget)
    : funderAmounts.length > 0
      ? ["not stated; funders give ", joined(funderAmounts.map((l) => `${formatMoney(l.amount!)} (${partnerLabel(l.partner)})`))]
      : "not stated";
  const total = data.people.total.amounts;
  return section(
    "Key facts",
    "facts-heading",
    facts([
      ["Status", statusText(p), { "data-testid": "project-status" }],
      ...dates(p),
      ["Budget", budget, { "data-testid": "project-budget" }],
      ["Amount in the totals", total.length ? total.map((a) => formatMoney(a.amount)).join("; ") : null],
      [
        "Programme",
        p.programmes.length
          ? joined(p.programmes.map((g) => h("a", { href: programmeHref(g.id) }, g.acronym ?? g.name)))
          : "none stated",
        { "data-testid": "project-programmes" },
      ],
      ["Previous phase", p.previousPhase ? h("a", { href: projectHref(p.previousPhase.id) }, p.previousPhase.title) : null],
      ["Next phase", p.nextPhases.length ? joined(p.nextPhases.map((n) => h("a", { href: projectHref(n.id) }, n.title))) : null],
      [
        "Themes",
        p.themes.length ? joined(p.themes.map((t) => h("a", { href: projectsHref({ theme: t.slug }) }, t.name))) : "none",
      ],
      ["Regions", p.regions.length ? p.regions.map((r) => r.name).join(", ") : null],
      [
        "Published by",
        p.reportingOrg ? `${p.reportingOrg.name ?? p.reportingOrg.ref} (IATI reporting organisation ${p.reportingOrg.ref})` : null,
        { "data-testid": "project-publisher" },
      ],
      ["Code", h("code", null, p.code)],
    ]),
    sourcesDetails(p.sources, "the project's title, status, dates and budget"),
  );
}

function peopleSection(p: Project, data: ProjectData): HTMLElement {
  const people = data.people.total.people;
  const share = womenShare(people);
  const singleShare = p.beneficiaryGroups.filter((g) => g.womenShare).length === 1 ? p.beneficiaryGroups.find((g) => g.womenShare) : undefined;
  const shareText = singleShare?.womenShare
    ? formatPercent(singleShare.womenShare)
    : share
      ? `${qualifierWord(share.qualifier)}${share.percent} %`
      : "not stated";
  return section(
    "People",
    "people-heading",
    h(
      "dl",
      { class: "figures" },
      h(
        "div",
        { class: "figure" },
        h("dt", null, "People targeted"),
        h("dd", { class: "figure-value", "data-testid": "project-people-targeted" }, people.targeted ? formatQualified(people.targeted) : "not stated"),
        h("dd", { class: "figure-note" }, `in ${plural(people.groups, "beneficiary group")}${people.groupsWithoutTarget ? `, ${people.groupsWithoutTarget} without a target` : ""}`),
      ),
      h(
        "div",
        { class: "figure" },
        h("dt", null, "Share of women"),
        h("dd", { class: "figure-value", "data-testid": "project-women-share" }, shareText),
        people.womenTargeted
          ? h("dd", { class: "figure-note" }, `${formatQualified(people.womenTargeted)} women${people.groupsWithoutWomenShare ? `; ${plural(people.groupsWithoutWomenShare, "group")} state no share` : ""}`)
          : null,
      ),
      people.reached
        ? h(
            "div",
            { class: "figure" },
            h("dt", null, "People reached"),
            h("dd", { class: "figure-value", "data-testid": "project-people-reached" }, formatQualified(people.reached)),
          )
        : null,
    ),
    h("p", { class: "note" }, "Totals of the beneficiary groups below; each group's figures come with their source."),
  );
}

function partnersSection(p: Project): HTMLElement {
  const links = [...p.partners].sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
  const item = (l: ProjectPartnerLink) =>
    h(
      "li",
      { class: "record", "data-testid": "project-partner", "data-role": l.role, "data-code": l.partner.code ?? null },
      h(
        "div",
        // Funders carry their own hook: name, role and amount, without the source text.
        l.role === "FUNDING" ? { "data-testid": "project-funder" } : null,
        h(
          "p",
          null,
          h("a", { href: partnerHref(l.partner.id) }, partnerLabel(l.partner)),
          l.partner.acronym ? ` — ${l.partner.name}` : null,
        ),
        h(
          "p",
          { class: "record-meta" },
          h("span", { class: "role" }, enumLabel(l.role)),
          l.amount ? [" · ", h("span", { "data-testid": "funder-amount" }, formatMoney(l.amount))] : null,
        ),
      ),
      sourcesDetails(l.sources, `${partnerLabel(l.partner)}'s role`),
    );
  return section("Partners and their roles", "partners-heading", h("ul", { class: "records" }, links.map(item)));
}

function countriesSection(p: Project): HTMLElement | null {
  if (p.countryLinks.length === 0) return null;
  return section(
    "Countries",
    "countries-heading",
    h(
      "ul",
      { class: "records" },
      p.countryLinks.map((c) =>
        h(
          "li",
          { class: "record", "data-testid": "project-country" },
          h("p", null, h("a", { href: projectsHref({ country: c.country.code }) }, c.country.name), ` (${c.country.code})`),
          h(
            "p",
            { class: "record-meta" },
            c.role === "RECIPIENT" ? "Recipient" : "Participant",
            c.percentage ? ` · ${formatNumber(c.percentage)} % of the project` : null,
          ),
          sourcesDetails(c.sources, c.country.name),
        ),
      ),
    ),
  );
}

function groupItem(g: BeneficiaryGroup): HTMLElement {
  return h(
    "li",
    { class: "record", "data-testid": "beneficiary-group", "data-code": g.code },
    h("p", null, g.description),
    facts([
      ["Target", g.targetCount ? formatQualified(g.targetCount) : "not stated", { "data-testid": "beneficiary-target" }],
      ["Reached", g.reachedCount ? formatQualified(g.reachedCount) : null, { "data-testid": "beneficiary-reached" }],
      ["Women", g.womenShare ? formatPercent(g.womenShare) : "share not stated", { "data-testid": "beneficiary-women-share" }],
      ["Who", g.categories.map(enumLabel).join(", ")],
      ["Where", [g.location, g.country?.name].filter(Boolean).join(", ") || null],
    ]),
    sourcesDetails(g.sources, "this group's figures"),
  );
}

function progressOf(o: Outcome): Child {
  if (o.target && o.actual && o.progress !== null) {
    const target = Number(o.target.value);
    const actual = Number(o.actual.value);
    const percent = Math.round(o.progress * 100);
    const label = `${formatQualified(o.actual)} of ${formatQualified(o.target)}${o.unit ? ` ${o.unit}` : ""} (${percent} %)`;
    return h(
      "div",
      { class: "progress" },
      h("progress", { max: target, value: Math.min(actual, target), "aria-label": `Progress: ${label}`, "data-testid": "outcome-progress" }, `${percent} %`),
      h("span", { class: "progress-text" }, label),
    );
  }
  const parts = [
    o.baseline ? `baseline ${formatQualified(o.baseline)}${o.baselineYear ? ` (${o.baselineYear})` : ""}` : null,
    o.target ? `target ${formatQualified(o.target)}` : null,
    o.actual ? `actual ${formatQualified(o.actual)}` : null,
  ].filter(Boolean);
  return h("p", { class: "record-meta" }, parts.length ? `${parts.join(", ")}${o.unit ? ` ${o.unit}` : ""}; no progress to show without both target and actual.` : "No target or actual stated.");
}

function outcomeItem(o: Outcome): HTMLElement {
  const period = [formatFuzzyDate(o.periodStart), formatFuzzyDate(o.periodEnd)].filter(Boolean).join(" – ");
  return h(
    "li",
    { class: "record", "data-testid": "outcome", "data-code": o.code },
    h("p", null, h("span", { class: "tag" }, enumLabel(o.kind)), " ", o.statement),
    o.indicator ? h("p", { class: "record-meta" }, `Indicator: ${o.indicator}`) : null,
    period ? h("p", { class: "record-meta" }, `Period: ${period}`) : null,
    progressOf(o),
    sourcesDetails(o.sources, "this outcome"),
  );
}

/** The project page, kept current: a change to the project re-renders it in place. */
export async function renderProject(ctx: PageContext, id: string, params: URLSearchParams): Promise<void> {
  // `?transactions=<ids>`: the page opens on those transactions (a funding-flow edge's).
  const selected = params.get("transactions");
  const chosen = selected ? new Set(selected.split(",").filter((t) => t !== "")) : null;
  const version = await showProject(ctx, id, chosen);
  if (version !== null) watchProject(id, version, ctx.signal, () => void showProject(ctx, id, chosen));
}

async function showProject(ctx: PageContext, id: string, chosen: Set<string> | null): Promise<number | null> {
  const variables = { id };
  const back = h("p", { class: "breadcrumb" }, h("a", { href: projectsHref() }, "← All projects"));
  document.title = "Project – Korea–ILO partnership explorer";
  const data = await loadPage<ProjectData>(ctx, query, variables, [back, pageTitle("Project"), queryPanel(query, variables)]);
  if (data === null) return null;
  const node = data.node;
  if (node === null) {
    replaceChildren(ctx.main, back, pageTitle("No such project"), errorBox(new Error(`Nothing has the id ${id}.`)));
    return null;
  }
  if (node.__typename !== "Project") {
    replaceChildren(ctx.main, back, pageTitle("Not a project"), errorBox(new Error(`${id} is a ${node.__typename}, not a project.`)));
    return null;
  }
  const p = node as Project;
  document.title = `${p.acronym ?? p.title} – Korea–ILO partnership explorer`;
  replaceChildren(ctx.main, 
    back,
    pageTitle(p.title, { "data-testid": "project-title" }),
    isMadeUp(p.title, p.reportingOrg?.name) ? madeUpBadge() : null,
    p.acronym ? h("p", { class: "lead" }, p.acronym) : null,
    p.summary ? h("p", { class: "lead", "data-testid": "project-summary" }, p.summary) : null,
    queryPanel(query, variables),
    keyFacts(p, data),
    ...moneySections(p, data.money, ctx, chosen),
    p.reportingOrg || p.transactions.length > 0 ? fundingFlowSection(ctx, p.id, "project") : null,
    peopleSection(p, data),
    partnersSection(p),
    countriesSection(p),
    section(
      "Beneficiary groups",
      "groups-heading",
      p.beneficiaryGroups.length
        ? h("ul", { class: "records" }, p.beneficiaryGroups.map(groupItem))
        : h("p", null, "The sources name no beneficiary group."),
    ),
    section(
      "Outcomes",
      "outcomes-heading",
      p.outcomes.length ? h("ul", { class: "records" }, p.outcomes.map(outcomeItem)) : h("p", null, "The sources state no outcome."),
    ),
    p.agreements.length
      ? section(
          "Agreements",
          "agreements-heading",
          h(
            "ul",
            { class: "records" },
            p.agreements.map((a) =>
              h(
                "li",
                { class: "record" },
                h("p", null, h("span", { class: "tag" }, enumLabel(a.kind)), " ", a.title),
                a.signedOn ? h("p", { class: "record-meta" }, `Signed ${formatFuzzyDate(a.signedOn)}`) : null,
                sourcesDetails(a.sources, a.title),
              ),
            ),
          ),
        )
      : null,
  );
  return p.version;
}
