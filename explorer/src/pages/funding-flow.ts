// The funding-flow view of a project or a partner page: where the money came from and went
// across publishers (`fundingFlow`), drawn as a Sankey diagram in a chosen currency, with a
// table of every edge beside it. Each edge, drawn or listed, links to the transactions
// behind it on the page of the project that reports them.

import query from "../../queries/funding-flow.graphql?raw";
import partnersQuery from "../../queries/flow-partners.graphql?raw";
import { request } from "../lib/api";
import { SERIES_COLOURS } from "../lib/charts";
import { errorBox, queryPanel, type PageContext } from "../lib/components";
import { h, replaceChildren, svg, uid, type Child } from "../lib/dom";
import { layoutFlow, type FlowLayout, type FlowLinkInput } from "../lib/flow-layout";
import { plural } from "../lib/format";
import { isMadeUp } from "../lib/money";
import { partnerHref, projectHref } from "../lib/routes";
import type { FlowEdge, FlowNode, FlowPartnersData, FundingFlow, FundingFlowData } from "../lib/types";
import { CURRENCIES } from "./overview-finance";
import { exactAmount } from "./project-money";

const DIRECTIONS: [string, string][] = [
  ["BOTH", "both ways"],
  ["UPSTREAM", "upstream: where the money came from"],
  ["DOWNSTREAM", "downstream: where the money went"],
];
/** The API follows at most 6 hops. */
const MAX_DEPTH = 6;
/** Drawn first: money paid out as its payer reports it (disbursements and expenditure), so a
 * hop's money is drawn once, as `financeStats` counts it; the receiver's incoming funds for
 * the same money and the commitments are there to add. */
const PAID_OUT = ["3", "4"];
/** One colour per transaction type, the common ones fixed so a type keeps its colour. */
const TYPE_COLOURS: Record<string, string> = {
  "3": SERIES_COLOURS[0]!,
  "4": SERIES_COLOURS[1]!,
  "2": SERIES_COLOURS[2]!,
  "1": SERIES_COLOURS[3]!,
  "11": SERIES_COLOURS[4]!,
};
const OTHER_COLOUR = "#4b5563";
const LABEL_LENGTH = 34;

interface Settings {
  direction: string;
  depth: number;
  currency: string;
}

interface Shown {
  flow: FundingFlow;
  nodes: Map<string, FlowNode>;
  partners: Map<string, string>;
  settings: Settings;
}

const edgeKey = (index: number): string => `e${index}`;

function typeName(edge: FlowEdge): string {
  const name = edge.transactions[0]?.type.name;
  return name ? `${name} (${edge.transactionType})` : `Type ${edge.transactionType}`;
}

function nodeName(node: FlowNode | undefined, id: string): string {
  if (!node) return id;
  if (node.kind === "PROJECT") return node.project?.title ?? node.label ?? id;
  if (node.kind === "ACTIVITY") return node.iatiIdentifier ?? node.label ?? id;
  return node.label ?? id;
}

function nodeHref(shown: Shown, id: string): string | null {
  const node = shown.nodes.get(id);
  if (node?.kind === "PROJECT" && node.project) return projectHref(node.project.id);
  if (node?.kind === "ORGANISATION") {
    const partner = shown.partners.get(id.slice(2));
    return partner ? partnerHref(partner) : null;
  }
  return null;
}

/** A node as the table shows it: a link to its page, or the identifier the data gives. */
function nodeCell(shown: Shown, id: string): Child {
  const node = shown.nodes.get(id);
  const href = nodeHref(shown, id);
  const name = nodeName(node, id);
  if (node?.kind === "ACTIVITY") {
    return [h("code", { "data-testid": "flow-activity-id" }, name), h("span", { class: "record-meta" }, " · activity not in the data")];
  }
  const label = href ? h("a", { href }, name) : name;
  return node?.kind === "ORGANISATION" ? [label, h("span", { class: "record-meta" }, " · organisation")] : label;
}

/** The transactions of an edge, on the page of the project that reports them. */
function transactionsHref(shown: Shown, edge: FlowEdge): string | null {
  const reporter = shown.nodes.get(edge.reportedBy)?.project;
  if (!reporter || edge.transactions.length === 0) return null;
  const params = new URLSearchParams({ transactions: edge.transactions.map((t) => t.id).join(",") });
  return `${projectHref(reporter.id)}?${params.toString()}`;
}

function amountsText(edge: FlowEdge): string {
  return edge.amounts.map((a) => `${a.currency ?? "no currency"} ${exactAmount(a.amount)}`).join("; ");
}

function convertedText(edge: FlowEdge, currency: string): string {
  if (edge.converted === null) return "no rate";
  const left = edge.notConverted.length
    ? ` (not converted: ${edge.notConverted.map((a) => `${a.currency ?? "no currency"} ${exactAmount(a.amount)}`).join("; ")})`
    : "";
  return `${currency} ${exactAmount(edge.converted)}${left}`;
}

/** Each transaction of an edge with the rate it was converted at. */
function ratesList(edge: FlowEdge, currency: string): HTMLElement {
  return h(
    "details",
    { class: "flow-rates" },
    h("summary", null, "Rates"),
    h(
      "ul",
      null,
      edge.transactions.map((t) => {
        const v = t.value;
        const c = v?.converted;
        return h(
          "li",
          { "data-testid": "flow-rate" },
          `${t.date}: `,
          v ? `${v.currency} ${exactAmount(v.amount)}` : "no value",
          c
            ? ` → ${currency} ${exactAmount(c.amount)} at ${c.rate} (${c.source === "SAME_CURRENCY" ? "same currency" : `${c.source}, ${c.rateDate}`})`
            : v
              ? " → no rate"
              : null,
        );
      }),
    ),
  );
}

function edgeTable(shown: Shown, drawn: Set<string>, cyclic: Set<string>): HTMLElement {
  const { flow, settings } = shown;
  const rows = flow.edges.map((edge, i) => {
    const href = transactionsHref(shown, edge);
    const count = plural(edge.transactions.length, "transaction");
    const status = cyclic.has(edgeKey(i)) ? "closes a cycle: drawn as a return arc" : drawn.has(edgeKey(i)) ? "drawn" : "not drawn";
    return h(
      "tr",
      {
        "data-testid": "flow-edge-row",
        "data-source": edge.source,
        "data-target": edge.target,
        "data-type": edge.transactionType,
        "data-reported-by": edge.reportedBy,
      },
      h("th", { scope: "row" }, nodeCell(shown, edge.source)),
      h("td", null, nodeCell(shown, edge.target)),
      h("td", null, typeName(edge), h("span", { class: "record-meta" }, ` · ${status}`)),
      h("td", null, nodeName(shown.nodes.get(edge.reportedBy), edge.reportedBy)),
      h("td", { class: "num", "data-testid": "flow-edge-amounts" }, amountsText(edge)),
      h("td", { class: "num", "data-testid": "flow-edge-converted" }, convertedText(edge, settings.currency)),
      h(
        "td",
        null,
        href ? h("a", { href, "data-testid": "flow-edge-link" }, count) : count,
        edge.transactions.length ? ratesList(edge, settings.currency) : null,
      ),
    );
  });
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { "data-testid": "flow-table" },
      h("caption", null, `Every edge of the flow (${flow.edges.length}), the largest first, in ${settings.currency} at each transaction's value date`),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["From", "To", "Transaction type", "Reported by", "Amount", `In ${settings.currency}`, "Transactions"].map((text, i) =>
            h("th", { scope: "col", class: i === 4 || i === 5 ? "num" : null }, text),
          ),
        ),
      ),
      h("tbody", null, rows),
    ),
  );
}

function shortLabel(text: string): string {
  return text.length > LABEL_LENGTH ? `${text.slice(0, LABEL_LENGTH - 1)}…` : text;
}

function picture(shown: Shown, layout: FlowLayout, links: FlowLinkInput[]): SVGSVGElement {
  const { flow, settings } = shown;
  const byKey = new Map(links.map((l) => [l.key, l]));
  const arrow = uid("flow-arrow");
  const paths = layout.links.map((placed) => {
    const index = Number(placed.key.slice(1));
    const edge = flow.edges[index]!;
    const href = transactionsHref(shown, edge);
    const text = `${nodeName(shown.nodes.get(edge.source), edge.source)} → ${nodeName(shown.nodes.get(edge.target), edge.target)}: ${typeName(edge)}, ${convertedText(edge, settings.currency)}, reported by ${nodeName(shown.nodes.get(edge.reportedBy), edge.reportedBy)}${placed.cyclic ? " (closes a cycle)" : ""}`;
    const colour = TYPE_COLOURS[edge.transactionType] ?? OTHER_COLOUR;
    const path = svg(
      "path",
      placed.cyclic
        ? { d: placed.path, class: "flow-link flow-link-cyclic", stroke: colour, "stroke-width": placed.width, fill: "none", "marker-end": `url(#${arrow})` }
        : { d: placed.path, class: "flow-link", fill: colour },
      svg("title", null, text),
    );
    const attrs = {
      "data-testid": "flow-link",
      "data-source": edge.source,
      "data-target": edge.target,
      "data-type": edge.transactionType,
      "data-value": byKey.get(placed.key)?.value ?? null,
      "aria-label": text,
    };
    return href ? svg("a", { href, ...attrs }, path) : svg("g", attrs, path);
  });
  const nodes = layout.nodes.map((placed) => {
    const node = shown.nodes.get(placed.id);
    const name = nodeName(node, placed.id);
    const href = nodeHref(shown, placed.id);
    const right = placed.column < layout.columns - 1 || layout.columns === 1;
    const label = svg(
      "text",
      {
        x: right ? placed.x1 + 6 : placed.x0 - 6,
        y: (placed.y0 + placed.y1) / 2,
        dy: "0.35em",
        "text-anchor": right ? "start" : "end",
        class: node?.kind === "ACTIVITY" ? "flow-label flow-label-id" : "flow-label",
      },
      shortLabel(name),
    );
    const body = [
      svg("rect", { x: placed.x0, y: placed.y0, width: placed.x1 - placed.x0, height: placed.y1 - placed.y0, class: `flow-node flow-node-${(node?.kind ?? "ORGANISATION").toLowerCase()}` }),
      label,
      svg("title", null, node?.kind === "ACTIVITY" ? `${name}: an activity the data does not hold` : name),
    ];
    const attrs = { "data-testid": "flow-node", "data-id": placed.id, "data-kind": node?.kind ?? null, "data-column": placed.column };
    return href ? svg("a", { href, ...attrs, "aria-label": name }, body) : svg("g", attrs, body);
  });
  return svg(
    "svg",
    {
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      class: "flow-picture",
      role: "group",
      "aria-label": `Funding flow in ${settings.currency}: ${plural(layout.links.length, "edge")} between ${plural(layout.nodes.length, "node")}; the table below lists every edge.`,
      "data-testid": "flow-picture",
    },
    svg(
      "defs",
      null,
      svg(
        "marker",
        { id: arrow, viewBox: "0 0 10 10", refX: 5, refY: 5, markerWidth: 2.5, markerHeight: 2.5, orient: "auto-start-reverse" },
        svg("path", { d: "M0,0L10,5L0,10Z", class: "flow-arrow" }),
      ),
    ),
    svg("g", { class: "flow-links" }, paths),
    svg("g", { class: "flow-nodes" }, nodes),
  );
}

function legend(types: Map<string, string>, chosen: Set<string>, onChange: (types: Set<string>) => void): HTMLElement {
  const boxes = [...types].map(([code, name]) => {
    const input = h("input", { type: "checkbox", value: code, checked: chosen.has(code), "data-testid": "flow-type" });
    input.addEventListener("change", () => {
      const now = new Set(chosen);
      if (input.checked) now.add(code);
      else now.delete(code);
      onChange(now);
    });
    return h(
      "label",
      { class: "flow-type" },
      input,
      h("span", { class: "flow-swatch", style: `background:${TYPE_COLOURS[code] ?? OTHER_COLOUR}`, "aria-hidden": "true" }),
      name,
    );
  });
  return h("fieldset", { class: "flow-types" }, h("legend", null, "Transaction types drawn"), boxes);
}

function notes(shown: Shown, cyclic: number, undrawn: number): Child[] {
  const { flow } = shown;
  const atCap = flow.nodes.some((n) => n.depth !== null && n.depth >= flow.depth);
  const unresolved = flow.nodes.filter((n) => n.kind === "ACTIVITY").length;
  return [
    atCap
      ? h(
          "p",
          { class: "note", "data-testid": "flow-depth-cap" },
          flow.depth >= MAX_DEPTH
            ? `Followed ${MAX_DEPTH} hops, the most the API follows: the chain may go on beyond the nodes ${MAX_DEPTH} hops away.`
            : `Followed ${plural(flow.depth, "hop")}: the chain may go on beyond the nodes ${flow.depth} away; choose a larger depth (at most ${MAX_DEPTH}) to see further.`,
        )
      : null,
    cyclic
      ? h("p", { class: "note", "data-testid": "flow-cycle" }, `${plural(cyclic, "edge")} would close a cycle (money reported as coming back to where it was): drawn as dashed return arcs below the diagram.`)
      : null,
    unresolved
      ? h("p", { class: "note", "data-testid": "flow-unresolved" }, `${plural(unresolved, "activity", "activities")} named by the transactions ${unresolved === 1 ? "is" : "are"} not in the data: shown by ${unresolved === 1 ? "its" : "their"} IATI identifier, without a page to link to.`)
      : null,
    undrawn
      ? h("p", { class: "note" }, `${plural(undrawn, "edge")} of the chosen types could not be drawn (no rate into ${shown.settings.currency}, or a total of zero or less): the table lists ${undrawn === 1 ? "it" : "them"}.`)
      : null,
    flow.truncated ? h("p", { class: "note", "data-testid": "flow-truncated" }, "More than 500 edges: the smallest are left out.") : null,
  ];
}

function drawing(shown: Shown, chosen: Set<string>, into: HTMLElement): void {
  const { flow } = shown;
  const candidates = flow.edges
    .map((edge, i) => ({ edge, key: edgeKey(i) }))
    .filter(({ edge }) => chosen.has(edge.transactionType));
  const links: FlowLinkInput[] = candidates
    .filter(({ edge }) => edge.converted !== null && Number(edge.converted) > 0)
    .map(({ edge, key }) => ({ key, source: edge.source, target: edge.target, value: Number(edge.converted) }));
  const starts = flow.nodes.filter((n) => n.depth === 0).map((n) => n.id);
  const ids = [...new Set([...starts, ...links.flatMap((l) => [l.source, l.target])])];
  const types = new Map<string, string>();
  for (const edge of [...flow.edges].sort((a, b) => Number(a.transactionType) - Number(b.transactionType))) {
    if (!types.has(edge.transactionType)) types.set(edge.transactionType, typeName(edge));
  }
  const layout = links.length ? layoutFlow(ids, links) : null;
  const cyclic = new Set((layout?.links ?? []).filter((l) => l.cyclic).map((l) => l.key));
  const drawn = new Set(links.map((l) => l.key));
  replaceChildren(
    into,
    legend(types, chosen, (now) => drawing(shown, now, into)),
    layout
      ? h("div", { class: "flow-figure" }, picture(shown, layout, links))
      : h("p", { class: "note", "data-testid": "flow-nothing-drawn" }, "None of the chosen types has an amount to draw: choose another type above; the table lists every edge."),
    notes(shown, cyclic.size, candidates.length - links.length),
    edgeTable(shown, drawn, cyclic),
  );
}

function emptyText(kind: string): string {
  return kind === "Partner"
    ? "No funding flow: no transaction or participating organisation of the projects this partner publishes names another activity or organisation, this way and this far."
    : "No funding flow: no transaction or participating organisation of this project names another activity or organisation, this way and this far.";
}

async function organisationPages(flow: FundingFlow, signal: AbortSignal): Promise<Map<string, string>> {
  const codes = flow.nodes.filter((n) => n.kind === "ORGANISATION").map((n) => n.id.slice(2));
  if (codes.length === 0) return new Map();
  const data = await request<FlowPartnersData>(partnersQuery, { codes }, signal);
  return new Map(data.partners.edges.map((e) => [e.node.code, e.node.id]));
}

/** What a load showed: a flow with edges, one without, an error; or nothing, superseded. */
type Outcome = "edges" | "empty" | "failed" | "stale";

/** Loads the flow into `body`; `current` says whether this is still the latest load (the
 * controls may have changed meanwhile, or the page been left). */
async function load(id: string, settings: Settings, body: HTMLElement, panel: HTMLElement, signal: AbortSignal, current: () => boolean): Promise<Outcome> {
  const variables = { id, direction: settings.direction, depth: settings.depth, currency: settings.currency };
  replaceChildren(panel, queryPanel(query, variables));
  replaceChildren(body, h("p", { class: "loading", role: "status" }, "Loading the funding flow…"));
  let data: FundingFlowData;
  let partners: Map<string, string>;
  try {
    data = await request<FundingFlowData>(query, variables, signal);
    const flow = data.node?.fundingFlow;
    partners = flow ? await organisationPages(flow, signal) : new Map();
  } catch (error) {
    if (!current()) return "stale";
    replaceChildren(body, errorBox(error));
    return "failed";
  }
  if (!current()) return "stale";
  const flow = data.node?.fundingFlow;
  if (!flow) {
    replaceChildren(body, errorBox(new Error(`${id} has no funding flow.`)));
    return "failed";
  }
  if (flow.edges.length === 0) {
    replaceChildren(body, h("p", { "data-testid": "flow-empty" }, emptyText(data.node?.__typename ?? "")));
    return "empty";
  }
  const shown: Shown = { flow, nodes: new Map(flow.nodes.map((n) => [n.id, n])), partners, settings };
  const paidOut = new Set(flow.edges.map((e) => e.transactionType).filter((t) => PAID_OUT.includes(t)));
  const chosen = paidOut.size > 0 ? paidOut : new Set(flow.edges.map((e) => e.transactionType));
  const madeUp = flow.nodes.some((n) => isMadeUp(n.label, n.project?.title, n.project?.reportingOrg?.name));
  const inner = h("div", null);
  replaceChildren(
    body,
    madeUp
      ? h("p", { class: "made-up", role: "note", "data-testid": "flow-made-up" }, h("strong", null, "Made-up sample data. "), "This flow runs through the demo's sample IATI files: their organisations, activities and amounts are invented.")
      : null,
    h(
      "p",
      { class: "note" },
      `${plural(flow.edges.length, "edge")} between ${plural(flow.nodes.length, "node")}. An edge is one publisher's transactions of one type between two nodes: a donor's disbursement and the agency's incoming funds for it are two edges, the same money seen from both ends. The diagram draws disbursements and expenditure first, so that each hop's money is drawn once; tick other types to add them. Each edge links to the transactions behind it.`,
    ),
    inner,
  );
  drawing(shown, chosen, inner);
  return "edges";
}

function select(id: string, label: string, options: [string, string][], value: string, testid: string): HTMLElement {
  return h(
    "span",
    { class: "flow-control" },
    h("label", { for: id }, label),
    " ",
    h("select", { id, name: testid, "data-testid": testid }, options.map(([v, text]) => h("option", { value: v, selected: v === value }, text))),
  );
}

/**
 * The section, loaded on its own: the rest of the page never waits for it. `id` is the
 * global id of the project or partner it starts from. A partner's section stays hidden
 * unless its first answer (both ways, three hops: any edge another choice could show
 * starts there) has an edge or an error: a partner that publishes no project (as the
 * built-in dataset's do not), or whose projects name no other, has no flow to show, and
 * its page lists the projects it takes part in. `data-outcome` says what the latest load
 * showed.
 */
export function fundingFlowSection(ctx: PageContext, id: string, what: "project" | "partner"): HTMLElement {
  const settings: Settings = { direction: "BOTH", depth: 3, currency: "USD" };
  const headingId = uid("flow");
  const prefix = uid("flow-control");
  const body = h("div", { "data-testid": "flow-body" });
  const panel = h("div");
  const form = h(
    "form",
    { class: "flow-controls", "data-testid": "flow-controls" },
    select(`${prefix}-direction`, "Follow", DIRECTIONS, settings.direction, "flow-direction"),
    select(
      `${prefix}-depth`,
      "for",
      Array.from({ length: MAX_DEPTH }, (_, i) => [String(i + 1), plural(i + 1, "hop")] as [string, string]),
      String(settings.depth),
      "flow-depth",
    ),
    select(`${prefix}-currency`, "in", CURRENCIES.map((c) => [c, c] as [string, string]), settings.currency, "flow-currency"),
  );
  const section = h(
    "section",
    { class: "panel", "aria-labelledby": headingId, "data-testid": "funding-flow", id: "funding-flow", hidden: what === "partner" },
    h("h2", { id: headingId }, "Funding flow"),
    h(
      "p",
      { class: "note" },
      what === "project"
        ? "Where this project's money came from and went, across publishers: projects linked by the activity identifiers their transactions and participating organisations name."
        : "Where the money of the projects this partner publishes came from and went, across publishers.",
    ),
    form,
    panel,
    body,
  );
  let latest = 0;
  const start = (chosen: Settings) => {
    latest += 1;
    const mine = latest;
    void load(id, chosen, body, panel, ctx.signal, () => mine === latest && !ctx.signal.aborted).then((outcome) => {
      if (outcome === "stale") return;
      section.dataset.outcome = outcome;
      if (outcome !== "empty") section.hidden = false;
    });
  };
  form.addEventListener("submit", (event) => event.preventDefault());
  form.addEventListener("change", () => {
    const value = (name: string) => (form.querySelector(`[name=${name}]`) as HTMLSelectElement).value;
    start({ direction: value("flow-direction"), depth: Number(value("flow-depth")), currency: value("flow-currency") });
  });
  start(settings);
  return section;
}
