// #/ — headline figures, Korea's contributions to the ILO, budget by theme and country, map.

import query from "../../queries/overview.graphql?raw";
import { barChart, compactNumber } from "../lib/charts";
import { errorBox, loadPage, pageTitle, queryPanel, sourcesDetails, table, withTable, type PageContext } from "../lib/components";
import { h, replaceChildren, type Child } from "../lib/dom";
import { enumLabel, formatMoney, formatNumber, formatQualified, plural, qualifierWord } from "../lib/format";
import { projectsHref } from "../lib/routes";
import { CURRENCIES, financeSection } from "./overview-finance";
import type { ContributionBucket, MoneyTotal, OverviewData, People, StatsBucket } from "../lib/types";

export const variables = { donors: ["korea-government"], recipients: ["ilo"] };

function figure(label: string, testid: string, value: Child, note?: Child): HTMLElement {
  return h(
    "div",
    { class: "figure" },
    h("dt", null, label),
    h("dd", { class: "figure-value", "data-testid": testid }, value),
    note ? h("dd", { class: "figure-note" }, note) : null,
  );
}

/** Women's share among the people of groups that state one (the API counts the rest apart). */
export function womenShare(people: People): { percent: number; qualifier: string; base: number } | null {
  if (!people.targeted || !people.womenTargeted) return null;
  const base = Number(people.targeted.value) - people.targetedWithoutWomenShare;
  if (base <= 0) return null;
  return {
    percent: Math.round((Number(people.womenTargeted.value) / base) * 100),
    qualifier: String(people.womenTargeted.qualifier),
    base,
  };
}

function amountsText(amounts: MoneyTotal[]): string {
  return amounts.length === 0 ? "no amount stated" : amounts.map((a) => formatMoney(a.amount)).join("; ");
}

function headline(data: OverviewData): HTMLElement {
  const total = data.totals.total;
  const people = total.people;
  const share = womenShare(people);
  const withAmount = total.projectCount - total.projectsWithoutAmount;
  const groupsWithTarget = people.groups - people.groupsWithoutTarget;
  return h(
    "section",
    { class: "panel", "aria-labelledby": "figures-heading" },
    h("h2", { id: "figures-heading" }, "In figures"),
    h(
      "dl",
      { class: "figures" },
      figure("Projects", "figure-projects", formatNumber(total.projectCount)),
      figure(
        "Countries",
        "figure-countries",
        formatNumber(data.byCountry.buckets.length),
        "that the projects work in or with",
      ),
      figure("Partners", "figure-partners", formatNumber(data.partners.totalCount), "organisations"),
      figure(
        "Total budget",
        "figure-budget",
        total.amounts.length === 0
          ? "not stated"
          : total.amounts.map((a) => h("span", { class: "amount-line" }, formatMoney(a.amount))),
        `summed per currency over the ${withAmount} of ${total.projectCount} projects that state an amount`,
      ),
      figure(
        "People targeted",
        "figure-people",
        people.targeted ? formatQualified(people.targeted) : "not stated",
        `by the ${plural(groupsWithTarget, "beneficiary group")} that state a target`,
      ),
      figure(
        "Share of women",
        "figure-women-share",
        share ? `${qualifierWord(share.qualifier)}${share.percent} %` : "not stated",
        share && people.womenTargeted
          ? [
              h("span", { "data-testid": "figure-women" }, `${formatQualified(people.womenTargeted)} women`),
              ` of the ${formatNumber(share.base)} people whose groups state a share; `,
              `${formatNumber(people.targetedWithoutWomenShare)} people in ${plural(people.groupsWithoutWomenShare, "group")} state none`,
            ]
          : null,
      ),
    ),
  );
}

const KIND_LABEL: Record<string, string> = {
  ASSESSED: "Assessed",
  VOLUNTARY_CORE: "Voluntary (core)",
  VOLUNTARY_EARMARKED: "Voluntary (earmarked)",
};

function contributionsSection(data: OverviewData, ctx: PageContext): HTMLElement {
  const kinds: [string, ContributionBucket[]][] = [
    ["Assessed", data.assessed.buckets],
    ["Voluntary", data.voluntary.buckets],
  ];
  const periods = [...new Set(kinds.flatMap(([, b]) => b.map((x) => x.label)))].sort();
  const currencies = [...new Set(kinds.flatMap(([, b]) => b.flatMap((x) => x.amounts.map((a) => a.amount.currency))))].sort();
  const series = kinds.flatMap(([kind, buckets]) =>
    currencies.map((currency) => {
      const cells = periods.map((period) =>
        buckets.find((b) => b.label === period)?.amounts.find((a) => a.amount.currency === currency),
      );
      return {
        label: currencies.length > 1 ? `${kind} (${currency})` : kind,
        data: cells.map((c) => (c ? Number(c.amount.amount) : null)),
        tooltips: cells.map((c) => (c ? formatMoney(c.amount) : "none stated")),
      };
    }),
  );
  const chart = barChart({
    labels: periods,
    series,
    ariaLabel: `Bar chart of Korea's assessed and voluntary contributions to the ILO for ${periods.join(" and ")}; the table below has the figures.`,
    formatValue: compactNumber,
    valueTitle: currencies.length === 1 ? currencies[0] : "Amount in each currency",
  });
  ctx.onLeave(chart.destroy);

  const contributions = data.contributions.edges.map((e) => e.node);
  const rows: Child[][] = contributions.map((c) => [
    `${c.periodStartYear}–${c.periodEndYear}`,
    KIND_LABEL[c.kind] ?? enumLabel(c.kind),
    formatMoney(c.amount),
    `${c.donor.acronym ?? c.donor.name} → ${c.recipient.acronym ?? c.recipient.name}`,
    sourcesDetails(c.sources, `${enumLabel(c.kind)} ${c.periodStartYear}–${c.periodEndYear}`),
  ]);
  return withTable(
    "Korea's contributions to the ILO, per period",
    chart.element,
    table("Contributions of the Government of the Republic of Korea to the ILO", ["Period", "Kind", "Amount", "From → to", "Source"], rows, [2]),
    "Assessed contributions (by membership) and voluntary ones, as the sources state them; an amount “at least” so much is drawn at that amount.",
  );
}

function budgetSection(
  title: string,
  what: string,
  allBuckets: StatsBucket[],
  hrefOf: (key: string) => string,
  ctx: PageContext,
): HTMLElement {
  const currencies = [...new Set(allBuckets.flatMap((b) => b.amounts.map((a) => a.amount.currency)))].sort();
  // The chart draws the buckets with an amount; the table lists them all.
  const all = allBuckets;
  const buckets = allBuckets.filter((b) => b.amounts.length > 0);
  const chart = barChart({
    labels: buckets.map((b) => b.label),
    horizontal: true,
    series: currencies.map((currency) => {
      const cells = buckets.map((b) => b.amounts.find((a) => a.amount.currency === currency));
      return {
        label: currency,
        data: cells.map((c) => (c ? Number(c.amount.amount) : 0)),
        tooltips: cells.map((c, i) =>
          c ? `${formatMoney(c.amount)} (${plural(c.records ?? 0, "project")} with an amount of ${buckets[i]?.projectCount ?? 0})` : "no amount stated",
        ),
      };
    }),
    ariaLabel: `Bar chart of the budget by ${what}; the table below has the figures.`,
    formatValue: compactNumber,
    valueTitle: currencies.length === 1 ? currencies[0] : "Amount in each currency",
  });
  ctx.onLeave(chart.destroy);
  const picture =
    buckets.length > 0 ? chart.element : h("p", { class: "empty" }, `No ${what} has an amount stated.`);
  const rows: Child[][] = all.map((b) => [
    b.key ? h("a", { href: hrefOf(b.key) }, b.label) : b.label,
    formatNumber(b.projectCount),
    amountsText(b.amounts),
    formatNumber(b.projectsWithoutAmount),
  ]);
  const noAmount = all.length - buckets.length;
  return withTable(
    title,
    picture,
    table(`Budget by ${what}`, [what.charAt(0).toUpperCase() + what.slice(1), "Projects", "Budget", "Projects without an amount"], rows, [1, 3]),
    `Each project counts its budget where stated, else its funders' stated amounts; a project is in every ${what} it covers. ${noAmount} of ${all.length} ${what === "country" ? "countries" : `${what}s`} have no amount stated: they are in the table.`,
  );
}

async function mapSection(data: OverviewData): Promise<HTMLElement> {
  const { worldMap } = await import("../lib/map");
  const buckets = data.byCountry.buckets.filter((b): b is StatsBucket & { key: string } => b.key !== null);
  const map = worldMap(
    buckets.map((b) => ({ code: b.key, name: b.label, projectCount: b.projectCount, href: projectsHref({ country: b.key }) })),
  );
  const rows: Child[][] = buckets.map((b) => [
    h("a", { href: projectsHref({ country: b.key }) }, b.label),
    b.key,
    formatNumber(b.projectCount),
    amountsText(b.amounts),
  ]);
  return withTable(
    "Where the projects are",
    map,
    table("Countries with projects", ["Country", "ISO code", "Projects", "Budget"], rows, [2]),
    "Countries the projects work in or with; choose one to list its projects.",
  );
}

export async function renderOverview(ctx: PageContext, params: URLSearchParams): Promise<void> {
  const asked = params.get("currency") ?? "USD";
  const currency = CURRENCIES.includes(asked) ? asked : "USD";
  document.title = "Overview – Korea–ILO partnership explorer";
  const intro = [
    pageTitle("The Republic of Korea – ILO partnership"),
    h(
      "p",
      { class: "lead" },
      "Projects, partners and money of the partnership, as five public ILO documents state them. Every figure links to the passage it comes from.",
    ),
    queryPanel(query, variables),
  ];
  const d = await loadPage<OverviewData>(ctx, query, variables, intro);
  if (d === null) return;
  const mapSlot = h("div", { class: "map-slot" }, h("p", { role: "status" }, "Loading the map…"));
  const financeSlot = h("div", { class: "finance-slot" }, h("p", { role: "status" }, "Loading the finance figures…"));
  replaceChildren(ctx.main, 
    ...intro,
    headline(d),
    financeSlot,
    contributionsSection(d, ctx),
    h(
      "div",
      { class: "two-up" },
      budgetSection("Budget by theme", "theme", d.byTheme.buckets, (key) => projectsHref({ theme: key }), ctx),
      budgetSection("Budget by country", "country", d.byCountry.buckets, (key) => projectsHref({ country: key }), ctx),
    ),
    mapSlot,
  );
  const finance = financeSection(ctx, currency).then((section) => {
    if (!ctx.signal.aborted) financeSlot.replaceWith(section);
  });
  try {
    const section = await mapSection(d);
    if (!ctx.signal.aborted) mapSlot.replaceWith(section);
  } catch (error) {
    if (!ctx.signal.aborted) mapSlot.replaceWith(errorBox(error));
  }
  await finance;
}
