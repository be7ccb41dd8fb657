// #/partners/<id> and #/programmes/<id> — simple detail pages.

import partnerQuery from "../../queries/partner.graphql?raw";
import programmeQuery from "../../queries/programme.graphql?raw";
import { errorBox, loadPage, facts, joined, madeUpBadge, pageTitle, queryPanel, sourcesDetails, type PageContext } from "../lib/components";
import { h, replaceChildren, type Child } from "../lib/dom";
import { enumLabel, formatFuzzyDate, formatMoney, formatQualified, partnerLabel } from "../lib/format";
import { partnerHref, partnersHref, programmeHref, projectHref } from "../lib/routes";
import { isMadeUp } from "../lib/money";
import { fundingFlowSection } from "./funding-flow";
import type { Partner, PartnerData, Programme, ProgrammeData, ProjectLink } from "../lib/types";

function section(title: string, id: string, ...children: Child[]): HTMLElement {
  return h("section", { class: "panel", "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

function projectList(projects: ProjectLink[], testid: string): HTMLElement {
  return h(
    "ul",
    { class: "link-list", "data-testid": testid },
    projects.map((p) => h("li", null, h("a", { href: projectHref(p.id) }, p.title), ` · ${enumLabel(p.status)}`)),
  );
}

function load<T>(ctx: PageContext, query: string, id: string, heading: string): Promise<T | null> {
  return loadPage<T>(ctx, query, { id }, [back(), pageTitle(heading), queryPanel(query, { id })]);
}

const back = () => h("p", { class: "breadcrumb" }, h("a", { href: partnersHref() }, "← Partner network"));

export async function renderPartner(ctx: PageContext, id: string): Promise<void> {
  document.title = "Partner – Korea–ILO partnership explorer";
  const data = await load<PartnerData>(ctx, partnerQuery, id, "Partner");
  if (!data) return;
  if (data.node.__typename !== "Partner") {
    replaceChildren(ctx.main, back(), pageTitle("Not a partner"), errorBox(new Error(`${id} is a ${data.node.__typename}, not a partner.`)));
    return;
  }
  const p = data.node as Partner;
  document.title = `${partnerLabel(p)} – Korea–ILO partnership explorer`;
  const roles: [string, ProjectLink[]][] = [
    ["Funds", p.funding],
    ["Implements", p.implementing],
    ["Accountable for", p.accountable],
    ["Extending agency for", p.extending],
  ];
  replaceChildren(ctx.main, 
    back(),
    pageTitle(p.acronym ? `${p.name} (${p.acronym})` : p.name, { "data-testid": "partner-title" }),
    isMadeUp(p.name) ? madeUpBadge() : null,
    p.description ? h("p", { class: "lead" }, p.description) : null,
    queryPanel(partnerQuery, { id }),
    section(
      "About",
      "about-heading",
      facts([
        ["Kind", enumLabel(p.kind)],
        ["Part of", p.parent ? h("a", { href: partnerHref(p.parent.id) }, p.parent.name) : null],
        ["Parts", p.children.length ? joined(p.children.map((c) => h("a", { href: partnerHref(c.id) }, c.name))) : null],
        ["Country", p.country?.name ?? null],
        ["Website", p.website ? h("a", { href: p.website, rel: "noopener noreferrer" }, p.website) : null],
        ["IATI identifier", p.iatiIdentifier],
        ["Code", h("code", null, p.code)],
      ]),
      sourcesDetails(p.sources, p.name),
    ),
    section(
      "Projects",
      "projects-heading",
      roles.some(([, list]) => list.length)
        ? roles
            .filter(([, list]) => list.length)
            .map(([role, list]) => [h("h3", null, `${role} (${list.length})`), projectList(list, `partner-projects-${role.split(" ")[0]!.toLowerCase()}`)])
        : h("p", null, "No project names this partner."),
    ),
    fundingFlowSection(ctx, p.id, "partner"),
    p.programmes.length
      ? section(
          "Programmes",
          "programmes-heading",
          h("ul", { class: "link-list" }, p.programmes.map((g) => h("li", null, h("a", { href: programmeHref(g.id) }, g.name)))),
        )
      : null,
    p.contributions.length
      ? section(
          "Contributions",
          "contributions-heading",
          h(
            "ul",
            { class: "records" },
            p.contributions.map((c) =>
              h(
                "li",
                { class: "record" },
                h("p", null, `${c.periodStartYear}–${c.periodEndYear}: ${enumLabel(c.kind)}, ${formatMoney(c.amount)}`),
                h(
                  "p",
                  { class: "record-meta" },
                  h("a", { href: partnerHref(c.donor.id) }, partnerLabel(c.donor)),
                  " → ",
                  h("a", { href: partnerHref(c.recipient.id) }, partnerLabel(c.recipient)),
                ),
                sourcesDetails(c.sources, "this contribution"),
              ),
            ),
          ),
        )
      : null,
    p.facts.length
      ? section(
          "Facts",
          "facts-heading",
          h(
            "ul",
            { class: "records" },
            p.facts.map((f) =>
              h(
                "li",
                { class: "record" },
                h("p", null, f.statement),
                h(
                  "p",
                  { class: "record-meta" },
                  [
                    enumLabel(f.topic),
                    f.asOf ? `as of ${f.asOf.value}` : null,
                    f.value ? `${formatQualified(f.value)}${f.unit ? ` ${f.unit}` : ""}` : null,
                    f.countries.length ? f.countries.map((c) => c.name).join(", ") : null,
                  ]
                    .filter(Boolean)
                    .join(" · "),
                ),
                sourcesDetails(f.sources, "this fact"),
              ),
            ),
          ),
        )
      : null,
  );
}

export async function renderProgramme(ctx: PageContext, id: string): Promise<void> {
  document.title = "Programme – Korea–ILO partnership explorer";
  const data = await load<ProgrammeData>(ctx, programmeQuery, id, "Programme");
  if (!data) return;
  if (data.node.__typename !== "Programme") {
    replaceChildren(ctx.main, back(), pageTitle("Not a programme"), errorBox(new Error(`${id} is a ${data.node.__typename}, not a programme.`)));
    return;
  }
  const g = data.node as Programme;
  document.title = `${g.acronym ?? g.name} – Korea–ILO partnership explorer`;
  replaceChildren(ctx.main, 
    back(),
    pageTitle(g.name, { "data-testid": "programme-title" }),
    g.description ? h("p", { class: "lead" }, g.description) : null,
    queryPanel(programmeQuery, { id }),
    section(
      "About",
      "about-heading",
      facts([
        ["Start", formatFuzzyDate(g.startDate) ?? "not stated"],
        ["End", formatFuzzyDate(g.endDate) ?? "not stated"],
        ["Phase of", g.parent ? h("a", { href: programmeHref(g.parent.id) }, g.parent.name) : null],
        ["Phases", g.phases.length ? joined(g.phases.map((p) => h("a", { href: programmeHref(p.id) }, p.name))) : null],
        ["Code", h("code", null, g.code)],
      ]),
      sourcesDetails(g.sources, g.name),
    ),
    section(
      "Partners",
      "partners-heading",
      g.partners.length
        ? h(
            "ul",
            { class: "records" },
            g.partners.map((l) =>
              h(
                "li",
                { class: "record" },
                h("p", null, h("a", { href: partnerHref(l.partner.id) }, partnerLabel(l.partner)), l.partner.acronym ? ` — ${l.partner.name}` : null),
                h("p", { class: "record-meta" }, enumLabel(l.role)),
                sourcesDetails(l.sources, `${partnerLabel(l.partner)}'s role`),
              ),
            ),
          )
        : h("p", null, "No partner stated."),
    ),
    section(
      "Projects",
      "projects-heading",
      g.projects.length ? projectList(g.projects, "programme-projects") : h("p", null, "No project of its own; see its phases."),
    ),
  );
}
