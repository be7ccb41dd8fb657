// #/partners — the network of funders, programmes, projects and implementers (cytoscape),
// with the same network as lists of links below it for keyboards and screen readers.

import query from "../../queries/partners.graphql?raw";
import { errorBox, loadPage, joined, pageTitle, queryPanel, type PageContext } from "../lib/components";
import { h, replaceChildren, type Child } from "../lib/dom";
import { buildNetwork, COLUMNS, layout, type NetNode, type Network, type NodeKind } from "../lib/network";
import type { NetworkData } from "../lib/types";

export const variables = { first: 100 };

const KIND: Record<NodeKind, { title: string; colour: string; shape: string; legend: string }> = {
  funder: { title: "Funders", colour: "#c2410c", shape: "round-rectangle", legend: "funder (rounded square)" },
  programme: { title: "Programmes", colour: "#7b3294", shape: "diamond", legend: "programme or phase (diamond)" },
  project: { title: "Projects", colour: "#1f4e99", shape: "ellipse", legend: "project (circle)" },
  implementer: { title: "Implementers", colour: "#2f7d32", shape: "rectangle", legend: "implementer (square)" },
};

const RELATION_WORDS: Record<string, [string, string]> = {
  // [said of the source, said of the target]
  funds: ["funds", "funded by"],
  phase: ["phases", "phase of"],
  includes: ["projects", "in programme"],
  implements: ["implemented by", "implements"],
};

async function drawGraph(container: HTMLElement, controls: HTMLElement, net: Network, ctx: PageContext): Promise<void> {
  const { default: cytoscape } = await import("cytoscape");
  if (ctx.signal.aborted) return;
  const positions = layout(net);
  const cy = cytoscape({
    container,
    elements: [
      ...net.nodes.map((n) => ({
        group: "nodes" as const,
        data: { id: n.id, label: n.label, kind: n.kind, href: n.href },
        position: positions.get(n.id) ?? { x: 0, y: 0 },
      })),
      ...net.edges.map((e, i) => ({
        group: "edges" as const,
        data: { id: `e${i}`, source: e.source, target: e.target, relation: e.relation },
      })),
    ],
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.2,
    maxZoom: 3,
    // The wheel scrolls the page, not the picture: zoom with the buttons.
    userZoomingEnabled: false,
    boxSelectionEnabled: false,
    autoungrabify: true,
    style: [
      {
        selector: "node",
        style: {
          label: "data(label)",
          "font-size": 14,
          color: "#1f2933",
          "text-valign": "center",
          "text-halign": "right",
          "text-margin-x": 6,
          "text-max-width": "250px",
          "text-wrap": "ellipsis",
          "text-background-color": "#ffffff",
          "text-background-opacity": 0.85,
          "text-background-padding": "1px",
          width: 16,
          height: 16,
          "border-width": 1,
          "border-color": "#ffffff",
        },
      },
      ...COLUMNS.map((kind) => ({
        selector: `node[kind = "${kind}"]`,
        style: { "background-color": KIND[kind].colour, shape: KIND[kind].shape as "ellipse" },
      })),
      {
        selector: "edge",
        style: {
          width: 1.5,
          "line-color": "#8a96a3",
          "target-arrow-color": "#8a96a3",
          "target-arrow-shape": "triangle",
          "arrow-scale": 0.8,
          "curve-style": "bezier",
        },
      },
      { selector: 'edge[relation = "phase"]', style: { "line-style": "dashed" } },
      { selector: "node.hover", style: { "border-width": 3, "border-color": "#111827" } },
      { selector: "edge.hover", style: { "line-color": "#111827", "target-arrow-color": "#111827", width: 2.5 } },
    ],
  });
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href") as string | undefined;
    if (href) window.location.hash = href;
  });
  cy.on("mouseover", "node", (event) => {
    container.style.cursor = "pointer";
    event.target.addClass("hover");
    event.target.connectedEdges().addClass("hover");
  });
  cy.on("mouseout", "node", (event) => {
    container.style.cursor = "";
    event.target.removeClass("hover");
    event.target.connectedEdges().removeClass("hover");
  });
  // On a narrow screen the whole picture would be too small to read: start at a readable
  // size on the funders' side; drag, the zoom buttons or "Fit" show the rest.
  const readable = 0.8;
  if (cy.zoom() < readable) {
    const box = cy.elements().boundingBox();
    cy.zoom(readable);
    cy.pan({ x: 16 - box.x1 * readable, y: cy.height() / 2 - ((box.y1 + box.y2) / 2) * readable });
  }
  const zoomBy = (factor: number) => {
    const zoom = cy.zoom() * factor;
    cy.zoom({ level: zoom, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  controls.replaceChildren(
    h("button", { type: "button", onClick: () => zoomBy(1.25) }, "Zoom in"),
    h("button", { type: "button", onClick: () => zoomBy(0.8) }, "Zoom out"),
    h("button", { type: "button", onClick: () => cy.fit(undefined, 24) }, "Fit"),
  );
  ctx.onLeave(() => cy.destroy());
}

/** The network as lists: each node a link, with its links to the others. */
function networkLists(net: Network): HTMLElement {
  const byId = new Map(net.nodes.map((n) => [n.id, n]));
  const link = (n: NetNode) => h("a", { href: n.href }, n.name);
  const relationsOf = (n: NetNode): Child[] => {
    const groups = new Map<string, NetNode[]>();
    for (const e of net.edges) {
      let word: string | undefined;
      let other: NetNode | undefined;
      if (e.source === n.id) {
        word = RELATION_WORDS[e.relation]?.[0];
        other = byId.get(e.target);
      } else if (e.target === n.id) {
        word = RELATION_WORDS[e.relation]?.[1];
        other = byId.get(e.source);
      }
      if (!word || !other) continue;
      const list = groups.get(word) ?? [];
      list.push(other);
      groups.set(word, list);
    }
    return [...groups.entries()].map(([word, others]) =>
      h("span", { class: "relation" }, `${word}: `, joined(others.map((o) => h("a", { href: o.href }, o.shortName)))),
    );
  };
  return h(
    "section",
    { class: "panel", "aria-labelledby": "network-list-heading" },
    h("h2", { id: "network-list-heading" }, "The network as a list"),
    h(
      "div",
      { class: "network-lists" },
      COLUMNS.map((kind) => {
        const members = net.nodes.filter((n) => n.kind === kind).sort((a, b) => a.name.localeCompare(b.name));
        return h(
          "section",
          { "aria-labelledby": `list-${kind}` },
          h("h3", { id: `list-${kind}` }, `${KIND[kind].title} (${members.length})`),
          h(
            "ul",
            { class: "network-list", "data-testid": `network-${kind}s` },
            members.map((n) => h("li", { "data-testid": "network-node", "data-kind": kind }, link(n), h("br"), joined(relationsOf(n), "; "))),
          ),
        );
      }),
      net.others.length
        ? h(
            "section",
            { "aria-labelledby": "list-others" },
            h("h3", { id: "list-others" }, `Other partners (${net.others.length})`),
            h("p", { class: "note" }, "Accountable for programmes, or part of another organisation, with no funding or implementing role."),
            h("ul", { class: "network-list" }, net.others.map((n) => h("li", null, link(n)))),
          )
        : null,
    ),
  );
}

export async function renderPartners(ctx: PageContext): Promise<void> {
  document.title = "Partners – Korea–ILO partnership explorer";
  const intro = [
    pageTitle("Partners and how they connect"),
    h(
      "p",
      { class: "lead" },
      "Who funds which programmes and projects, and who carries them out. Choose a node, or a link in the list below, to open its page.",
    ),
    queryPanel(query, variables),
  ];
  const data = await loadPage<NetworkData>(ctx, query, variables, intro);
  if (data === null) return;
  const net = buildNetwork(data);
  const truncated =
    data.projects.totalCount > data.projects.edges.length || data.partners.totalCount > data.partners.edges.length;
  const container = h("div", {
    class: "network",
    "data-testid": "network",
    role: "img",
    "aria-label": `Network picture of ${net.nodes.length} funders, programmes, projects and implementers; the same network is listed below.`,
  });
  const controls = h("div", { class: "graph-controls", role: "group", "aria-label": "Zoom the picture" });
  replaceChildren(ctx.main, 
    ...intro,
    h(
      "section",
      { class: "panel", "aria-labelledby": "network-heading" },
      h("h2", { id: "network-heading" }, "Network"),
      h(
        "ul",
        { class: "legend", "aria-label": "Legend" },
        COLUMNS.map((kind) => h("li", null, h("span", { class: `swatch swatch-${kind}`, style: `background:${KIND[kind].colour}` }), KIND[kind].legend)),
        h("li", null, "arrows: funds → includes → implemented by; dashed: phase of a programme; drag to move the picture"),
      ),
      truncated ? h("p", { class: "note" }, `Showing the first ${variables.first} of each.`) : null,
      container,
      controls,
    ),
    networkLists(net),
  );
  try {
    await drawGraph(container, controls, net, ctx);
  } catch (error) {
    if (!ctx.signal.aborted) container.replaceWith(errorBox(error));
  }
}
