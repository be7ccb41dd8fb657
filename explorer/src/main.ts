// The shell: hash routing between the pages, focus and navigation state.

import "./styles.css";
import { errorBox, pageTitle, type PageContext } from "./lib/components";
import { h } from "./lib/dom";
import { parseHash, overviewHref, partnersHref, projectsHref } from "./lib/routes";
import { renderOverview } from "./pages/overview";
import { renderProjects } from "./pages/projects";
import { renderProject } from "./pages/project";
import { renderPartners } from "./pages/partners";
import { renderPartner, renderProgramme } from "./pages/details";

const main = document.getElementById("main") as HTMLElement;
let current: AbortController | null = null;
let cleanups: (() => void)[] = [];
let firstRender = true;

function notFound(ctx: PageContext): void {
  document.title = "Not found – Korea–ILO partnership explorer";
  ctx.main.replaceChildren(
    pageTitle("Page not found"),
    h("p", null, "There is no page at this address. Try one of these:"),
    h(
      "ul",
      null,
      h("li", null, h("a", { href: overviewHref() }, "Overview")),
      h("li", null, h("a", { href: projectsHref() }, "Projects")),
      h("li", null, h("a", { href: partnersHref() }, "Partners")),
    ),
  );
}

function markNav(section: string): void {
  for (const link of document.querySelectorAll<HTMLAnchorElement>("[data-nav]")) {
    if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function dispatch(ctx: PageContext, hash: string): Promise<void> {
  const { path, params } = parseHash(hash);
  const [first, id, ...rest] = path;
  if (rest.length > 0) return notFound(ctx);
  switch (first) {
    case undefined:
      markNav("overview");
      return renderOverview(ctx, params);
    case "projects":
      markNav("projects");
      return id ? renderProject(ctx, id, params) : renderProjects(ctx, params);
    case "partners":
      markNav("partners");
      return id ? renderPartner(ctx, id) : renderPartners(ctx);
    case "programmes":
      markNav("partners");
      return id ? renderProgramme(ctx, id) : notFound(ctx);
    default:
      markNav("");
      return notFound(ctx);
  }
}

async function route(): Promise<void> {
  current?.abort();
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
  const controller = new AbortController();
  current = controller;
  const ctx: PageContext = {
    main,
    signal: controller.signal,
    onLeave: (cleanup) => cleanups.push(cleanup),
  };
  main.setAttribute("aria-busy", "true");
  main.replaceChildren(h("p", { class: "loading", role: "status" }, "Loading…"));
  try {
    await dispatch(ctx, window.location.hash);
  } catch (error) {
    if (!controller.signal.aborted) main.replaceChildren(errorBox(error));
  } finally {
    if (current === controller) {
      main.removeAttribute("aria-busy");
      // After a navigation, move focus to the new page's heading so it is announced; a page
      // that opens on one of its parts (the transactions behind a funding-flow edge) marks it.
      const target = main.querySelector<HTMLElement>("[data-arrive]");
      if (target) {
        target.focus();
        target.scrollIntoView();
      } else if (!firstRender) {
        const heading = main.querySelector<HTMLElement>("h1");
        (heading ?? main).focus({ preventScroll: true });
        window.scrollTo(0, 0);
      }
      firstRender = false;
    }
  }
}

// The skip link moves focus without touching the hash, which holds the route.
document.querySelector<HTMLAnchorElement>("[data-skip-link]")?.addEventListener("click", (event) => {
  event.preventDefault();
  main.focus();
  main.scrollIntoView();
});

window.addEventListener("hashchange", () => void route());
void route();
