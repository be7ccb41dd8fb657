// #/projects?country=..&theme=..&status=..&funder=..&q=..&after=..|before=.. — the filtered,
// cursor-paged list of projects.

import query from "../../queries/projects.graphql?raw";
import { loadPage, joined, pageTitle, queryPanel, type PageContext } from "../lib/components";
import { h, replaceChildren, uid, type Child } from "../lib/dom";
import { enumLabel, formatMoney, partnerLabel, plural } from "../lib/format";
import { partnerHref, projectHref, projectsHref } from "../lib/routes";
import type { Choice, ProjectRow, ProjectsData } from "../lib/types";
import { isMadeUp } from "../lib/money";

export const PAGE_SIZE = 10;

/** The status value that selects projects whose sources state no status. */
const NOT_STATED = "NONE";
const STATUSES = ["PIPELINE", "ACTIVE", "COMPLETED", "FINALISATION", "CLOSED", "SUSPENDED", "CANCELLED"];

const FILTER_KEYS = ["country", "theme", "status", "funder", "q"] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type Filters = Record<FilterKey, string>;

function filtersOf(params: URLSearchParams): Filters {
  const get = (k: string) => (params.get(k) ?? "").trim();
  return { country: get("country"), theme: get("theme"), status: get("status"), funder: get("funder"), q: get("q") };
}

/** The ProjectFilter the URL's filters mean. */
export function projectFilter(f: Filters): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (f.country) filter.countries = [f.country.toUpperCase()];
  if (f.theme) filter.themes = [f.theme];
  if (f.status === NOT_STATED) filter.not = { status: STATUSES };
  else if (f.status) filter.status = [f.status.toUpperCase()];
  if (f.funder) filter.partner = { codes: [f.funder], role: "FUNDING" };
  if (f.q) filter.search = f.q;
  return filter;
}

export function projectsVariables(params: URLSearchParams): Record<string, unknown> {
  const filter = projectFilter(filtersOf(params));
  const before = params.get("before");
  const after = params.get("after");
  if (before) return { filter, last: PAGE_SIZE, before };
  if (after) return { filter, first: PAGE_SIZE, after };
  return { filter, first: PAGE_SIZE };
}

function select(name: FilterKey, label: string, any: string, choices: Choice[], current: string, labelOf?: (c: Choice) => string): HTMLElement {
  const id = uid(`filter-${name}`);
  const options = choices.map((c) => {
    const value = c.key ?? (name === "status" ? NOT_STATED : "");
    const text = `${labelOf ? labelOf(c) : c.label} (${c.projectCount})`;
    return h("option", { value, selected: value === current }, text);
  });
  // A value in the URL that no choice offers is kept, so the form says what is applied.
  if (current && !options.some((o) => o.value === current)) {
    options.push(h("option", { value: current, selected: true }, current));
  }
  return h(
    "div",
    { class: "field" },
    h("label", { for: id }, label),
    h("select", { id, name, "data-testid": `filter-${name}` }, h("option", { value: "" }, any), options),
  );
}

function filterForm(data: ProjectsData | null, f: Filters): HTMLElement {
  const searchId = uid("filter-q");
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter projects" },
    select("country", "Country", "All countries", data?.countryChoices.buckets ?? [], f.country),
    select("theme", "Theme", "All themes", data?.themeChoices.buckets ?? [], f.theme),
    select("status", "Status", "Any status", data?.statusChoices.buckets ?? [], f.status, (c) => (c.key ? enumLabel(c.key) : "Not stated")),
    select("funder", "Funding partner", "Any funder", data?.funderChoices.buckets ?? [], f.funder),
    h(
      "div",
      { class: "field field-wide" },
      h("label", { for: searchId }, "Search"),
      h("input", { id: searchId, name: "q", type: "search", value: f.q, maxlength: 200, "data-testid": "filter-q", placeholder: "e.g. cooperatives" }),
    ),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "submit", "data-testid": "filter-apply" }, "Apply filters"),
      h("a", { href: projectsHref(), class: "button secondary" }, "Clear"),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values: Record<string, string> = {};
    for (const key of FILTER_KEYS) {
      const field = form.elements.namedItem(key);
      if (field instanceof HTMLInputElement || field instanceof HTMLSelectElement) values[key] = field.value.trim();
    }
    // New filters start again at the first page.
    window.location.hash = projectsHref(values);
  });
  return form;
}

function row(p: ProjectRow): HTMLElement {
  const places = [...p.countries.map((c) => c.name), ...p.regions.map((r) => r.name)];
  const funders = p.funders.map((f) =>
    h("a", { href: partnerHref(f.partner.id) }, partnerLabel(f.partner), f.amount ? ` (${formatMoney(f.amount)})` : null),
  );
  const meta: [string, Child][] = [
    ["Status", enumLabel(p.status)],
    ["Where", places.length ? places.join(", ") : "not stated"],
    ["Themes", p.themes.length ? p.themes.map((t) => t.name).join("; ") : "none"],
    ["Funded by", funders.length ? joined(funders) : "not stated"],
    ["Budget", p.budget ? formatMoney(p.budget) : "not stated"],
  ];
  return h(
    "li",
    { class: "project-row", "data-testid": "project-row", "data-code": p.code, "data-id": p.id },
    h(
      "h3",
      null,
      h("a", { href: projectHref(p.id), "data-testid": "project-link" }, p.title),
      isMadeUp(p.title) ? [" ", h("span", { class: "tag made-up-tag", "data-testid": "made-up-tag" }, "made-up sample")] : null,
    ),
    h(
      "dl",
      { class: "row-meta" },
      meta.map(([label, value]) => h("div", null, h("dt", null, label), h("dd", null, value))),
    ),
  );
}

function pager(data: ProjectsData, params: URLSearchParams): HTMLElement {
  const { pageInfo } = data.projects;
  const base: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const v = params.get(key);
    if (v) base[key] = v;
  }
  // Going back from a page reached by "after", or forward from one reached by "before",
  // the API's hasPrevious/hasNext may be unknown (false); a cursor is there all the same.
  const cameForward = params.has("after");
  const cameBack = params.has("before");
  const hasPrevious = pageInfo.hasPreviousPage || (cameForward && pageInfo.startCursor !== null);
  const hasNext = pageInfo.hasNextPage || (cameBack && pageInfo.endCursor !== null);
  const link = (text: string, rel: string, href: string | null, testid: string) =>
    href
      ? h("a", { href, rel, class: "button", "data-testid": testid }, text)
      : h("span", { class: "button disabled", "aria-disabled": "true", "data-testid": testid }, text);
  return h(
    "nav",
    { class: "pager", "aria-label": "Pages of projects" },
    link("← Previous", "prev", hasPrevious && pageInfo.startCursor ? projectsHref({ ...base, before: pageInfo.startCursor }) : null, "page-previous"),
    link("Next →", "next", hasNext && pageInfo.endCursor ? projectsHref({ ...base, after: pageInfo.endCursor }) : null, "page-next"),
  );
}

export async function renderProjects(ctx: PageContext, params: URLSearchParams): Promise<void> {
  document.title = "Projects – Korea–ILO partnership explorer";
  const f = filtersOf(params);
  const variables = projectsVariables(params);
  const intro = [pageTitle("Projects"), queryPanel(query, variables)];
  const data = await loadPage<ProjectsData>(ctx, query, variables, [...intro, filterForm(null, f)]);
  if (data === null) return;
  const { projects } = data;
  const applied = FILTER_KEYS.some((k) => f[k] !== "");
  const count = h(
    "p",
    { class: "result-count", role: "status", "data-testid": "projects-count" },
    `${plural(projects.totalCount, "project")} ${applied ? "match these filters" : "in all"}`,
    projects.edges.length < projects.totalCount ? `; ${projects.edges.length} on this page.` : ".",
  );
  replaceChildren(ctx.main, 
    ...intro,
    filterForm(data, f),
    h(
      "section",
      { "aria-labelledby": "results-heading" },
      h("h2", { id: "results-heading", class: "visually-hidden" }, "Results"),
      count,
      projects.edges.length > 0
        ? h("ol", { class: "project-list", "data-testid": "project-list" }, projects.edges.map((e) => row(e.node)))
        : h("p", { class: "empty" }, "No project matches. Try fewer filters."),
      pager(data, params),
    ),
  );
}
