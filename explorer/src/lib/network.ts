// The partner network as a graph: funders → programmes (→ phases) → projects → implementers.

import type { NetworkData } from "./types";
import { partnerHref, programmeHref, projectHref } from "./routes";

export type NodeKind = "funder" | "programme" | "project" | "implementer";

export interface NetNode {
  id: string;
  kind: NodeKind;
  /** Short label for the picture. */
  label: string;
  /** Full name for lists and tooltips. */
  name: string;
  /** Name in running text: a partner's acronym, else the full name. */
  shortName: string;
  href: string;
}

export interface NetEdge {
  source: string;
  target: string;
  /** "funds", "phase", "includes", "implements" */
  relation: string;
}

export interface Network {
  nodes: NetNode[];
  edges: NetEdge[];
  /** Partners with neither a funding nor an implementing role (e.g. accountable only). */
  others: NetNode[];
}

export const COLUMNS: NodeKind[] = ["funder", "programme", "project", "implementer"];

function short(text: string, max = 42): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function buildNetwork(data: NetworkData): Network {
  const partners = data.partners.edges.map((e) => e.node);
  const programmes = data.programmes.edges.map((e) => e.node);
  const projects = data.projects.edges.map((e) => e.node);

  const funderIds = new Set<string>();
  const implementerIds = new Set<string>();
  for (const g of programmes) for (const l of g.partners) if (l.role === "FUNDING") funderIds.add(l.partner.id);
  for (const p of projects) {
    for (const l of p.partners) {
      if (l.role === "FUNDING") funderIds.add(l.partner.id);
      else if (l.role === "IMPLEMENTING") implementerIds.add(l.partner.id);
    }
  }

  const nodes: NetNode[] = [];
  const others: NetNode[] = [];
  const present = new Set<string>();
  for (const partner of partners) {
    const kind: NodeKind | null = funderIds.has(partner.id) ? "funder" : implementerIds.has(partner.id) ? "implementer" : null;
    const node = {
      id: partner.id,
      kind: kind ?? "implementer",
      label: partner.acronym ?? short(partner.name, 32),
      name: partner.acronym ? `${partner.acronym} — ${partner.name}` : partner.name,
      shortName: partner.acronym ?? partner.name,
      href: partnerHref(partner.id),
    };
    if (kind) {
      nodes.push(node);
      present.add(partner.id);
    } else {
      others.push(node);
    }
  }
  for (const g of programmes) {
    nodes.push({ id: g.id, kind: "programme", label: short(g.acronym ?? g.name), name: g.name, shortName: g.name, href: programmeHref(g.id) });
    present.add(g.id);
  }
  for (const p of projects) {
    nodes.push({ id: p.id, kind: "project", label: short(p.acronym ?? p.title), name: p.title, shortName: p.title, href: projectHref(p.id) });
    present.add(p.id);
  }

  const edges: NetEdge[] = [];
  const seen = new Set<string>();
  const add = (source: string, target: string, relation: string) => {
    const key = `${source}>${target}`;
    if (source === target || seen.has(key) || !present.has(source) || !present.has(target)) return;
    seen.add(key);
    edges.push({ source, target, relation });
  };

  const parentOf = new Map(programmes.map((g) => [g.id, g.parent?.id ?? null]));
  const fundersOf = new Map<string, Set<string>>();
  for (const g of programmes) {
    const set = new Set(g.partners.filter((l) => l.role === "FUNDING").map((l) => l.partner.id));
    fundersOf.set(g.id, set);
    for (const f of set) add(f, g.id, "funds");
    if (g.parent) add(g.parent.id, g.id, "phase");
  }
  /** A funder reaches a project through one of its programmes or their parents. */
  const viaProgramme = (funder: string, programmeIds: string[]): boolean =>
    programmeIds.some((start) => {
      for (let id: string | null | undefined = start; id; id = parentOf.get(id)) {
        if (fundersOf.get(id)?.has(funder)) return true;
      }
      return false;
    });
  for (const p of projects) {
    const programmeIds = p.programmes.map((g) => g.id);
    for (const id of programmeIds) add(id, p.id, "includes");
    for (const l of p.partners) {
      if (l.role === "FUNDING" && !viaProgramme(l.partner.id, programmeIds)) add(l.partner.id, p.id, "funds");
      if (l.role === "IMPLEMENTING" && !funderIds.has(l.partner.id)) add(p.id, l.partner.id, "implements");
    }
  }
  return { nodes, edges, others };
}

/**
 * Column positions for a left-to-right layered picture; each column ordered by the mean
 * position of its neighbours in the column before (one barycentre pass), to cut crossings.
 */
export function layout(net: Network, gapX = 320, gapY = 40): Map<string, { x: number; y: number }> {
  const positions = new Map<string, { x: number; y: number }>();
  const index = new Map<string, number>();
  const neighboursBefore = new Map<string, string[]>();
  for (const e of net.edges) {
    const list = neighboursBefore.get(e.target) ?? [];
    list.push(e.source);
    neighboursBefore.set(e.target, list);
  }
  const tallest = Math.max(...COLUMNS.map((k) => net.nodes.filter((n) => n.kind === k).length));
  COLUMNS.forEach((kind, column) => {
    const members = net.nodes.filter((n) => n.kind === kind);
    const score = (n: NetNode) => {
      const before = (neighboursBefore.get(n.id) ?? []).map((id) => index.get(id)).filter((i): i is number => i !== undefined);
      return before.length ? before.reduce((a, b) => a + b, 0) / before.length : Number.MAX_SAFE_INTEGER;
    };
    if (column > 0) members.sort((a, b) => score(a) - score(b) || a.label.localeCompare(b.label));
    const offset = ((tallest - members.length) * gapY) / 2;
    members.forEach((n, i) => {
      // Indices are shared across columns, scaled to the tallest, so barycentres compare.
      index.set(n.id, (i / Math.max(members.length - 1, 1)) * tallest);
      positions.set(n.id, { x: column * gapX, y: offset + i * gapY });
    });
  });
  return positions;
}
