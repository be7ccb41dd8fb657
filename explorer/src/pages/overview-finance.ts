// The overview's finance section: IATI commitments against disbursements by year, by
// recipient country and by DAC sector category, converted into a chosen currency at each
// record's value date (`financeStats`), each chart with its table.

import query from "../../queries/finance.graphql?raw";
import { request } from "../lib/api";
import { barChart, compactNumber } from "../lib/charts";
import { errorBox, queryPanel, table, withTable, type PageContext } from "../lib/components";
import { h, type Child } from "../lib/dom";
import { plural } from "../lib/format";
import { exactAmount } from "./project-money";
import type { FinanceBucket, FinanceData, FinanceMeasure, FinanceStats } from "../lib/types";

/** The three groupings, asked one request each: together they would pass the cost limit
 * (each may have up to 5,000 buckets, the schema says). */
const GROUPINGS = ["YEAR", "RECIPIENT_COUNTRY", "SECTOR_CATEGORY"] as const;

function hasMoney(m: FinanceMeasure): boolean {
  return m.convertedRecords > 0 || m.notConverted.length > 0;
}

/** Currencies offered: the ones the sample chain is published in (both rate sources quote them). */
export const CURRENCIES = ["USD", "EUR", "KRW"];

function keyLabel(b: FinanceBucket, none: string): string {
  const key = b.keys[0];
  if (!key || key.key === null) return none;
  return key.label ?? key.key;
}

function convertedText(m: FinanceMeasure, currency: string): string {
  return m.converted === null ? "—" : `${currency} ${exactAmount(m.converted)}`;
}

function leftOut(m: FinanceMeasure): string {
  return m.notConverted.length === 0
    ? "none"
    : m.notConverted.map((a) => `${a.currency ?? "no currency"} ${exactAmount(a.amount)} (${plural(a.records, "record")})`).join("; ");
}

function financeChart(
  title: string,
  what: string,
  stats: FinanceStats,
  currency: string,
  none: string,
  ctx: PageContext,
  sortByKey: boolean,
  testid: string,
): HTMLElement {
  const buckets = [...stats.buckets]
    .filter((b) => hasMoney(b.commitments) || hasMoney(b.disbursements))
    .sort((a, b) =>
      sortByKey
        ? keyLabel(a, none).localeCompare(keyLabel(b, none))
        : Number(b.disbursements.converted ?? 0) - Number(a.disbursements.converted ?? 0),
    );
  const measures: [string, (b: FinanceBucket) => FinanceMeasure][] = [
    ["Commitments", (b) => b.commitments],
    ["Disbursements", (b) => b.disbursements],
  ];
  const chart = barChart({
    labels: buckets.map((b) => keyLabel(b, none)),
    horizontal: !sortByKey,
    series: measures.map(([label, of]) => ({
      label,
      data: buckets.map((b) => (of(b).converted === null ? null : Number(of(b).converted))),
      tooltips: buckets.map((b) => convertedText(of(b), currency)),
    })),
    ariaLabel: `Bar chart of commitments and disbursements by ${what}, in ${currency}; the table below has the figures.`,
    formatValue: compactNumber,
    valueTitle: currency,
  });
  ctx.onLeave(chart.destroy);
  const rows: Child[][] = buckets.map((b) => [
    keyLabel(b, none),
    convertedText(b.commitments, currency),
    convertedText(b.disbursements, currency),
    `${leftOut(b.commitments)} / ${leftOut(b.disbursements)}`,
    String(b.records),
    String(b.estimatedBySplit),
  ]);
  const section = withTable(
    title,
    chart.element,
    table(
      `Commitments and disbursements by ${what}, in ${currency}`,
      [what.charAt(0).toUpperCase() + what.slice(1), `Commitments (${currency})`, `Disbursements (${currency})`, "Not converted (commitments / disbursements)", "Records", "Estimated by split"],
      rows,
      [1, 2, 4, 5],
    ),
    `Each record converted at its value date's rate; a record whose ${what} is not published is shared out by the activity's percentages and counted as estimated by split.`,
  );
  section.dataset.testid = testid;
  return section;
}

/** The section, loaded on its own so that the rest of the overview never waits for it. */
export async function financeSection(ctx: PageContext, currency: string): Promise<HTMLElement> {
  const variables = { groupBy: ["YEAR"], currency };
  let byYear: FinanceStats, byCountry: FinanceStats, bySector: FinanceStats;
  try {
    [byYear, byCountry, bySector] = (await Promise.all(
      GROUPINGS.map((grouping) => request<FinanceData>(query, { groupBy: [grouping], currency }, ctx.signal)),
    )).map((d) => d.financeStats) as [FinanceStats, FinanceStats, FinanceStats];
  } catch (error) {
    return errorBox(error);
  }
  const total = byYear.total;
  const picker = h(
    "form",
    { class: "currency-picker", "data-testid": "finance-currency-form" },
    h("label", { for: "finance-currency" }, "Show amounts in "),
    h(
      "select",
      { id: "finance-currency", name: "currency", "data-testid": "finance-currency" },
      CURRENCIES.map((c) => h("option", { value: c, selected: c === currency }, c)),
    ),
  );
  picker.querySelector("select")?.addEventListener("change", (event) => {
    const chosen = (event.target as HTMLSelectElement).value;
    window.location.hash = `#/?currency=${encodeURIComponent(chosen)}`;
  });
  const heading = h(
    "section",
    { class: "panel", "aria-labelledby": "finance-heading", "data-testid": "finance" },
    h("h2", { id: "finance-heading" }, "Money followed through IATI transactions"),
    total.records === 0
      ? h("p", { "data-testid": "finance-empty" }, "No IATI transactions or budgets are in the data. `make demo` imports made-up sample files that show this section.")
      : h(
          "p",
          null,
          h("span", { "data-testid": "finance-total-commitments" }, convertedText(total.commitments, currency)),
          " committed and ",
          h("span", { "data-testid": "finance-total-disbursements" }, convertedText(total.disbursements, currency)),
          ` disbursed over ${plural(total.records, "transaction and budget", "transactions and budgets")}, counting each publisher's outgoing flows once at every hop they leave (a donor's disbursement to an agency and the agency's to its implementer both; incoming funds are not added).`,
        ),
    picker,
    queryPanel(query, variables),
  );
  if (total.records === 0) return heading;
  return h(
    "div",
    { class: "finance" },
    heading,
    financeChart("Commitments and disbursements by year", "year", byYear, currency, "no date", ctx, true, "finance-by-year"),
    h(
      "div",
      { class: "two-up" },
      financeChart("By recipient country", "country", byCountry, currency, "regions, or no country", ctx, false, "finance-by-country"),
      financeChart("By sector (DAC category)", "sector", bySector, currency, "no sector", ctx, false, "finance-by-sector"),
    ),
  );
}
