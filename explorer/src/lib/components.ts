// Pieces every page uses: the GraphiQL link, source passages, "show as table" toggles,
// error messages.

import { graphiqlHref, request, type Variables, ApiError } from "./api";
import { h, replaceChildren, uid, type Child } from "./dom";
import type { Source } from "./types";

/** What a page is given: where to render, and a signal that says it has been left. */
export interface PageContext {
  main: HTMLElement;
  signal: AbortSignal;
  /** Run when the page is left (destroy charts, graphs). */
  onLeave(cleanup: () => void): void;
}

/** "Open this query in GraphiQL", with the exact query and variables the page sent. */
export function queryPanel(query: string, variables: Variables): HTMLElement {
  return h(
    "div",
    { class: "query-panel" },
    h(
      "a",
      { href: graphiqlHref(query, variables), "data-testid": "graphiql-link" },
      "Open this query in GraphiQL",
    ),
    h(
      "details",
      { class: "query-text" },
      h("summary", null, "Show the query this page sent"),
      h("pre", { tabindex: 0, "aria-label": "GraphQL query" }, h("code", null, query.trim())),
      h("p", null, "Variables:"),
      h(
        "pre",
        { tabindex: 0, "aria-label": "Variables" },
        h("code", null, JSON.stringify(variables, null, 2)),
      ),
    ),
  );
}

function sourceItem(source: Source): HTMLElement {
  const about = [source.publisher, source.published?.value].filter(Boolean).join(", ");
  return h(
    "li",
    { class: "source" },
    h("blockquote", null, h("p", null, `“${source.excerpt}”`)),
    h(
      "p",
      { class: "source-cite" },
      "— ",
      h("cite", null, source.title),
      about ? ` (${about})` : null,
      h("span", { class: "source-doc" }, ` document ${source.document}`),
    ),
  );
}

/**
 * The passages a record's figures come from, folded: "Source" opens them.
 * `what` names the figure or record, for the summary text.
 */
export function sourcesDetails(sources: Source[], what = ""): HTMLElement {
  const label = sources.length === 1 ? "Source" : `Sources (${sources.length})`;
  if (sources.length === 0) {
    return h("p", { class: "sources sources-none" }, "No source passage given.");
  }
  return h(
    "details",
    { class: "sources", "data-testid": "sources" },
    h("summary", null, label, what ? h("span", { class: "visually-hidden" }, ` for ${what}`) : null),
    h("ul", { class: "source-list" }, sources.map(sourceItem)),
  );
}

/**
 * A chart or map with its text alternative: a button shows the same data as a real table.
 */
export function withTable(
  title: string,
  picture: HTMLElement,
  table: HTMLTableElement,
  note?: Child,
): HTMLElement {
  const tableId = uid("table");
  const wrap = h("div", { class: "table-wrap", id: tableId, hidden: true }, table);
  const button = h(
    "button",
    { type: "button", class: "toggle", "aria-expanded": "false", "aria-controls": tableId },
    "Show as table",
  );
  button.addEventListener("click", () => {
    const open = wrap.hidden;
    wrap.hidden = !open;
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? "Hide table" : "Show as table";
  });
  const headingId = uid("figure");
  return h(
    "section",
    { class: "panel", "aria-labelledby": headingId },
    h("h2", { id: headingId }, title),
    note ? h("p", { class: "note" }, note) : null,
    picture,
    button,
    wrap,
  );
}

/** A table from a caption, header cells and rows of cells. */
export function table(caption: string, headers: string[], rows: Child[][], numeric: number[] = []): HTMLTableElement {
  return h(
    "table",
    null,
    h("caption", null, caption),
    h("thead", null, h("tr", null, headers.map((text, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, text)))),
    h(
      "tbody",
      null,
      rows.map((cells) =>
        h(
          "tr",
          null,
          cells.map((cell, i) =>
            i === 0 ? h("th", { scope: "row" }, cell) : h("td", { class: numeric.includes(i) ? "num" : null }, cell),
          ),
        ),
      ),
    ),
  );
}

/** What went wrong, said in the page (role=alert). */
export function errorBox(error: unknown): HTMLElement {
  const message =
    error instanceof ApiError
      ? error.message
      : error instanceof Error
        ? `Something went wrong: ${error.message}`
        : "Something went wrong.";
  const code = error instanceof ApiError && error.codes.length > 0 ? ` (${error.codes.join(", ")})` : "";
  return h(
    "div",
    { class: "error", role: "alert", "data-testid": "error" },
    h("p", null, h("strong", null, "The data could not be loaded. ")),
    h("p", null, message + code),
  );
}

/** The page's heading, focusable so that a route change can move focus to it. */
export function pageTitle(text: string, attrs: Record<string, string> = {}): HTMLHeadingElement {
  return h("h1", { tabindex: -1, ...attrs }, text);
}

/** A definition list from label/value pairs, leaving out values that are not there. */
export function facts(items: [string, Child, Record<string, string>?][]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    items
      .filter(([, value]) => value !== null && value !== undefined && value !== "" && !(Array.isArray(value) && value.length === 0))
      .map(([label, value, attrs]) => h("div", null, h("dt", null, label), h("dd", attrs ?? null, value))),
  );
}

/** Items joined with commas (nodes or text). */
export function joined(items: Child[], separator = ", "): Child[] {
  const out: Child[] = [];
  items.forEach((item, i) => {
    if (i > 0) out.push(separator);
    out.push(item);
  });
  return out;
}

/**
 * A page's data; null when the person has left the page meanwhile, or when the request failed
 * (then the page shows `shownOnError` and what went wrong).
 */
export async function loadPage<T>(
  ctx: PageContext,
  query: string,
  variables: Variables,
  shownOnError: Child[],
): Promise<T | null> {
  try {
    const data = await request<T>(query, variables, ctx.signal);
    return ctx.signal.aborted ? null : data;
  } catch (error) {
    if (!ctx.signal.aborted) replaceChildren(ctx.main, ...shownOnError, errorBox(error));
    return null;
  }
}

/** The label of the demo's made-up samples (`make demo`), shown wherever one is. */
export function madeUpBadge(): HTMLElement {
  return h(
    "p",
    { class: "made-up", "data-testid": "made-up", role: "note" },
    h("strong", null, "Made-up sample data. "),
    "This record comes from the demo's sample IATI files: its organisations, activities and amounts are invented, to show funding chains and finance figures.",
  );
}
