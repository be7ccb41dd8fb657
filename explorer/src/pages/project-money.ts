// A project page's money: its IATI transactions (table and running totals by type), its
// budgets by year, and the budget left after disbursements and expenditure.

import { barChart, compactNumber, lineChart } from "../lib/charts";
import { table, withTable, type PageContext } from "../lib/components";
import { h, type Child } from "../lib/dom";
import { formatNumber, plural } from "../lib/format";
import { projectHref } from "../lib/routes";
import { budgetYear, plainDecimal, runningTotals } from "../lib/money";
import type { Budget, Code, IatiMoney, OrganisationReference, PerCurrency, Project, ProjectData, Transaction } from "../lib/types";

/** "-12500.5" → "−12,500.5" with every digit the API gave (no float in between). */
export function exactAmount(amount: string): string {
  const plain = plainDecimal(amount);
  const negative = plain.startsWith("-");
  const [whole = "0", fraction] = plain.replace(/^-/, "").split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "−" : ""}${grouped}${fraction ? `.${fraction}` : ""}`;
}

export function iatiMoney(m: IatiMoney | null): string {
  return m ? `${m.currency} ${exactAmount(m.amount)}` : "no value";
}

function codeLabel(c: Code): string {
  return c.name ? `${c.name} (${c.code})` : c.code;
}

function organisation(o: OrganisationReference | null): Child {
  if (!o) return "not named";
  return [o.name ?? o.ref ?? "unnamed", o.activityId ? h("span", { class: "record-meta" }, ` · activity ${o.activityId}`) : null];
}

/** What the transactions table says when it opens on some of them (a funding-flow edge's
 * transactions), with the way back to all of them. */
function selectionNote(p: Project, chosen: Set<string>): HTMLElement {
  const found = p.transactions.filter((t) => chosen.has(t.id));
  const types = [...new Set(found.map((t) => codeLabel(t.type)))].join(", ");
  return h(
    "p",
    { class: "selection", role: "status", "data-testid": "transactions-selection" },
    found.length === 0
      ? `None of the ${plural(chosen.size, "transaction")} the link named is this project's any more. `
      : `Showing the ${plural(found.length, "transaction")} behind the funding-flow edge you followed (${types}), of the project's ${p.transactions.length}. `,
    h("a", { href: projectHref(p.id), "data-testid": "transactions-show-all" }, "Show all transactions"),
  );
}

function transactionsSection(p: Project, ctx: PageContext, chosen: Set<string> | null): HTMLElement | null {
  if (p.transactions.length === 0) return null;
  const { dates, series } = runningTotals(p.transactions);
  const currencies = [...new Set(p.transactions.flatMap((t) => (t.value ? [t.value.currency] : [])))];
  const chart = lineChart({
    labels: dates,
    series,
    ariaLabel: `Running totals of the project's ${p.transactions.length} transactions by type; the table below has each of them.`,
    formatValue: compactNumber,
    valueTitle: currencies.length === 1 ? currencies[0] : "Amount in each currency",
  });
  ctx.onLeave(chart.destroy);
  const rows: Child[][] = p.transactions.map((t: Transaction) => [
    t.date,
    codeLabel(t.type),
    h("span", { "data-testid": "transaction-value" }, iatiMoney(t.value)),
    organisation(t.providerOrg),
    organisation(t.receiverOrg),
    t.description ?? "",
  ]);
  const section = withTable(
    "Transactions",
    chart.element,
    table("The project's transactions, in the publisher's order", ["Date", "Type", "Value", "From", "To", "Description"], rows, [2]),
    `${p.transactions.length} transactions as the publisher's IATI file states them, each in its own currency (never converted here); the chart adds each type up over time, one line per type and currency.`,
  );
  section.dataset.testid = "transactions";
  section.id = "transactions";
  const body = section.querySelector("tbody");
  body?.querySelectorAll("tr").forEach((row, i) => {
    const transaction = p.transactions[i];
    row.dataset.testid = "transaction-row";
    row.dataset.type = transaction?.type.code ?? "";
    row.dataset.id = transaction?.id ?? "";
    if (chosen && transaction && !chosen.has(transaction.id)) row.hidden = true;
  });
  if (chosen) {
    // Opened on an edge's transactions: the table shows them, and the page arrives here.
    section.querySelector("h2")?.after(selectionNote(p, chosen));
    const wrap = section.querySelector<HTMLElement>(".table-wrap");
    const toggle = section.querySelector<HTMLButtonElement>("button.toggle");
    if (wrap && toggle) {
      wrap.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      toggle.textContent = "Hide table";
    }
    section.tabIndex = -1;
    section.dataset.arrive = "";
  }
  return section;
}

function budgetsSection(p: Project, money: ProjectData["money"], ctx: PageContext): HTMLElement | null {
  if (p.budgets.length === 0) return null;
  const years = [...new Set(p.budgets.map(budgetYear))].sort();
  const kinds = [...new Set(p.budgets.filter((b) => b.value).map((b) => `${b.type.code}|${b.value!.currency}`))].sort();
  const series = kinds.map((kind) => {
    const [code, currency] = kind.split("|") as [string, string];
    const cells = years.map((year) =>
      p.budgets.filter((b) => budgetYear(b) === year && b.type.code === code && b.value?.currency === currency),
    );
    const name = p.budgets.find((b) => b.type.code === code)?.type.name ?? `Type ${code}`;
    return {
      label: `${name} (${currency})`,
      data: cells.map((bs) => (bs.length ? bs.reduce((sum, b) => sum + Number(b.value!.amount), 0) : null)),
      tooltips: cells.map((bs) => (bs.length ? bs.map((b) => iatiMoney(b.value)).join(" + ") : null)),
    };
  });
  const chart = barChart({
    labels: years,
    series,
    ariaLabel: `Bar chart of the project's budgets by year and type; the table below has each budget.`,
    formatValue: compactNumber,
    valueTitle: "Budget",
  });
  ctx.onLeave(chart.destroy);
  const rows: Child[][] = p.budgets.map((b: Budget) => [
    `${b.periodStart} – ${b.periodEnd}`,
    codeLabel(b.type),
    codeLabel(b.status),
    iatiMoney(b.value),
  ]);
  const { budget, spend, budgetLeft } = money.total;
  const perCurrency = (m: PerCurrency) =>
    m.amounts.length ? m.amounts.map((a) => `${a.currency ?? "no currency"} ${exactAmount(a.amount)}`).join("; ") : "none";
  const leftFigure = h(
    "p",
    { class: "figure-line" },
    "Budget left: ",
    h("strong", { "data-testid": "budget-left" }, perCurrency(budgetLeft)),
    ` — budgets of ${perCurrency(budget)} less disbursements and expenditure of ${perCurrency(spend)}, per currency (never added across currencies).`,
  );
  const section = withTable(
    "Budgets by year",
    h("div", null, leftFigure, chart.element),
    table("The project's budgets per period", ["Period", "Type", "Status", "Value"], rows, [3]),
    `Each budget is drawn at the year its period starts. The budget left is the API's (financeStats): its budgets, an original one replaced by a revised one of the same period, less its disbursements and expenditure (${formatNumber(p.transactions.filter((t) => ["3", "4"].includes(t.type.code)).length)} transactions).`,
  );
  section.dataset.testid = "budgets";
  section.querySelectorAll("tbody tr").forEach((row) => {
    (row as HTMLElement).dataset.testid = "budget-row";
  });
  return section;
}

/** The money sections of a project page; none for a project without IATI money. */
export function moneySections(
  p: Project,
  money: ProjectData["money"],
  ctx: PageContext,
  chosen: Set<string> | null = null,
): (HTMLElement | null)[] {
  return [transactionsSection(p, ctx, chosen), budgetsSection(p, money, ctx)];
}
