// Where a funding flow's nodes and links go on the page: d3-sankey lays out the links that
// form no cycle, left to right as the money goes; a link that would close a cycle (money
// that comes back to where it was, which IATI data can say) is kept apart and drawn as a
// return arc below, since a Sankey diagram cannot hold it.

import { sankey, sankeyJustify } from "d3-sankey";

export interface FlowLinkInput {
  key: string;
  source: string;
  target: string;
  value: number;
}

export interface PlacedNode {
  id: string;
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  /** The column, 0 where money enters. */
  column: number;
}

export interface PlacedLink {
  key: string;
  source: string;
  target: string;
  /** A band to fill (its width the money), or for a return arc a line to stroke `width` wide. */
  path: string;
  width: number;
  /** True for a link drawn as a return arc (it closes a cycle). */
  cyclic: boolean;
}

export interface FlowLayout {
  width: number;
  height: number;
  columns: number;
  nodes: PlacedNode[];
  links: PlacedLink[];
}

export const FLOW_WIDTH = 960;
const NODE_WIDTH = 14;
const NODE_PADDING = 28;
const ROW_HEIGHT = 96;
const MARGIN = 8;
const RETURN_ROOM = 56;

/**
 * The links that close a cycle, in the order given (largest first, as the API orders
 * edges, so the smaller flow of a loop is the one set apart): a depth-first walk of the
 * links kept so far finds the target already on the path.
 */
export function cyclicLinks(links: FlowLinkInput[]): Set<string> {
  const kept = new Map<string, string[]>();
  const cyclic = new Set<string>();
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (at === to) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...(kept.get(at) ?? []));
    }
    return false;
  };
  for (const link of links) {
    if (link.source === link.target || reaches(link.target, link.source)) {
      cyclic.add(link.key);
      continue;
    }
    kept.set(link.source, [...(kept.get(link.source) ?? []), link.target]);
  }
  return cyclic;
}

interface NodeDatum {
  id: string;
}

interface LinkDatum {
  key: string;
}

function place(nodeIds: string[], links: FlowLinkInput[], height: number) {
  const layout = sankey<NodeDatum, LinkDatum>()
    .nodeId((d) => d.id)
    .nodeAlign(sankeyJustify)
    .nodeWidth(NODE_WIDTH)
    .nodePadding(NODE_PADDING)
    .extent([
      [MARGIN, MARGIN],
      [FLOW_WIDTH - MARGIN, height - MARGIN],
    ]);
  return layout({
    nodes: nodeIds.map((id) => ({ id })),
    links: links.map((l) => ({ key: l.key, source: l.source, target: l.target, value: l.value })),
  });
}

/** A link as a filled band from (x0, y0) to (x1, y1), `width` high at both ends: a band
 * rather than a stroked line, so that a level link still has an area to point at. */
function band(x0: number, y0: number, x1: number, y1: number, width: number): string {
  const mid = (x0 + x1) / 2;
  const half = width / 2;
  return (
    `M${x0},${y0 - half}C${mid},${y0 - half} ${mid},${y1 - half} ${x1},${y1 - half}` +
    `L${x1},${y1 + half}C${mid},${y1 + half} ${mid},${y0 + half} ${x0},${y0 + half}Z`
  );
}

/** The layout of the given nodes and links (every link's value above zero). */
export function layoutFlow(nodeIds: string[], links: FlowLinkInput[]): FlowLayout {
  const cyclic = cyclicLinks(links);
  const acyclic = links.filter((l) => !cyclic.has(l.key));
  // A first pass finds how many nodes share a column; the second gives each its room.
  const first = place(nodeIds, acyclic, 400);
  const perColumn = new Map<number, number>();
  for (const n of first.nodes) perColumn.set(n.x0 ?? 0, (perColumn.get(n.x0 ?? 0) ?? 0) + 1);
  const tallest = Math.max(1, ...perColumn.values());
  const sankeyHeight = Math.max(240, tallest * ROW_HEIGHT);
  const graph = place(nodeIds, acyclic, sankeyHeight);
  const xs = [...new Set(graph.nodes.map((n) => n.x0 ?? 0))].sort((a, b) => a - b);
  const nodes: PlacedNode[] = graph.nodes.map((n) => ({
    id: n.id,
    x0: n.x0 ?? 0,
    x1: n.x1 ?? 0,
    y0: n.y0 ?? 0,
    // A node without drawn money still shows, as a thin bar.
    y1: Math.max(n.y1 ?? 0, (n.y0 ?? 0) + 4),
    column: xs.indexOf(n.x0 ?? 0),
  }));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const placed: PlacedLink[] = graph.links.map((l) => {
    const width = Math.max(1, l.width ?? 1);
    const from = byId.get((l.source as NodeDatum).id)!;
    const to = byId.get((l.target as NodeDatum).id)!;
    return {
      key: l.key,
      source: from.id,
      target: to.id,
      path: band(from.x1, l.y0 ?? 0, to.x0, l.y1 ?? 0, width),
      width,
      cyclic: false,
    };
  });
  const scale = graph.links.length > 0 ? (graph.links[0]!.width ?? 0) / graph.links[0]!.value : 0;
  const bottom = sankeyHeight;
  cyclic.forEach((key) => {
    const link = links.find((l) => l.key === key)!;
    const from = byId.get(link.source);
    const to = byId.get(link.target);
    if (!from || !to) return;
    // From under the payer to under the payee, below the diagram (a loop under the node
    // for money a project reports paying itself).
    const fromX = from === to ? from.x1 : (from.x0 + from.x1) / 2;
    const toX = from === to ? from.x0 : (to.x0 + to.x1) / 2;
    const low = bottom + RETURN_ROOM * 0.7;
    placed.push({
      key,
      source: link.source,
      target: link.target,
      path: `M${fromX},${from.y1}C${fromX},${low} ${toX},${low} ${toX},${to.y1 + 2}`,
      width: Math.min(8, Math.max(2, link.value * scale)),
      cyclic: true,
    });
  });
  return {
    width: FLOW_WIDTH,
    height: sankeyHeight + (cyclic.size > 0 ? RETURN_ROOM : 0),
    columns: xs.length,
    nodes,
    links: placed,
  };
}
