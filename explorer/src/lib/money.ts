// Running totals of IATI values as the API gives them (exact decimal strings), summed on
// scaled integers so that the figures shown are exact; the charts draw them as numbers.

import type { Budget, IatiMoney, Transaction } from "./types";

/** A Decimal as the API writes it, in plain digits: "131E+6" → "131000000", "5E-7" →
 * "0.0000005" (Python writes some exact values in exponent form). */
export function plainDecimal(amount: string): string {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?[eE]([-+]?\d+)$/.exec(amount);
  if (!match) return amount;
  const [, sign = "", whole = "", fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  const digits = `${whole}${fraction}`.replace(/^0+(?=\d)/, "");
  const point = whole.length + exponent;
  const text =
    point <= 0
      ? `0.${"0".repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + "0".repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return `${sign === "-" ? "-" : ""}${text.replace(/^0+(?=\d)/, "")}`;
}

/** "1250.5" at scale 2 → 125050n. */
function scaled(amount: string, scale: number): bigint {
  const plain = plainDecimal(amount);
  const negative = plain.startsWith("-");
  const [whole = "0", fraction = ""] = plain.replace(/^[-+]/, "").split(".");
  const digits = BigInt(whole + fraction.padEnd(scale, "0").slice(0, scale));
  return negative ? -digits : digits;
}

function scaleOf(amount: string): number {
  return plainDecimal(amount).split(".")[1]?.length ?? 0;
}

function unscaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? digits.slice(digits.length - scale).replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** The exact sum of decimal strings. */
export function sumAmounts(amounts: string[]): string {
  const scale = Math.max(0, ...amounts.map(scaleOf));
  return unscaled(
    amounts.reduce((total, a) => total + scaled(a, scale), 0n),
    scale,
  );
}

export interface RunningSeries {
  label: string;
  /** The running total at each label (null before the series' first transaction). */
  data: (number | null)[];
  tooltips: (string | null)[];
}

/** Running totals by transaction type and currency, at every transaction date. */
export function runningTotals(transactions: Transaction[]): { dates: string[]; series: RunningSeries[] } {
  const dated = transactions.filter((t): t is Transaction & { value: IatiMoney } => t.value !== null);
  const dates = [...new Set(dated.map((t) => t.date))].sort();
  const keys = [...new Set(dated.map((t) => `${t.type.code}|${t.value.currency}`))].sort(
    (a, b) => Number(a.split("|")[0]) - Number(b.split("|")[0]) || a.localeCompare(b),
  );
  const currencies = new Set(dated.map((t) => t.value.currency));
  const series = keys.map((key) => {
    const [code, currency] = key.split("|") as [string, string];
    const own = dated.filter((t) => t.type.code === code && t.value.currency === currency);
    const name = own[0]?.type.name ?? `Type ${code}`;
    let seen: string[] = [];
    const data: (number | null)[] = [];
    const tooltips: (string | null)[] = [];
    for (const date of dates) {
      seen = [...seen, ...own.filter((t) => t.date === date).map((t) => t.value.amount)];
      const total = seen.length ? sumAmounts(seen) : null;
      data.push(total === null ? null : Number(total));
      tooltips.push(total === null ? null : `${currency} ${total}`);
    }
    return { label: currencies.size > 1 ? `${name} (${currency})` : name, data, tooltips };
  });
  return { dates, series };
}

/** The year a budget is drawn at on the page: its period's start (IATI budget periods are a
 * year at most, the rulesets say; a longer one is still drawn at its start). */
export function budgetYear(b: Budget): string {
  return b.periodStart.slice(0, 4);
}

/** Whether a record is one of the demo's made-up samples, by the label every one carries in
 * its title or its publisher's name (see demo/README.md). */
export function isMadeUp(...texts: (string | null | undefined)[]): boolean {
  return texts.some((t) => t !== null && t !== undefined && /\(made[ -]up( sample)?\)/i.test(t));
}
