// Figures as the sources state them: an amount keeps its qualifier ("about", "at least").

import type { Money, Qualified, FuzzyDate } from "./types";

const integer = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });

const QUALIFIER_WORDS: Record<string, string> = {
  EXACT: "",
  APPROXIMATE: "about ",
  AT_LEAST: "at least ",
  AT_MOST: "at most ",
};

export function qualifierWord(qualifier: string): string {
  return QUALIFIER_WORDS[qualifier] ?? "";
}

/** 5000 → "5,000"; "65.50" → "65.5". Decimals arrive as strings. */
export function formatNumber(value: string | number): string {
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return String(value);
  return Number.isInteger(n) ? integer.format(n) : decimal.format(n);
}

/** {value: 300000, qualifier: AT_LEAST} → "at least 300,000". */
export function formatQualified(q: Qualified, unit = ""): string {
  return `${qualifierWord(q.qualifier)}${formatNumber(q.value)}${unit}`;
}

/** A share in percent: {value: "65", qualifier: AT_LEAST} → "at least 65 %". */
export function formatPercent(q: Qualified): string {
  return formatQualified(q, " %");
}

/** {amount: "8000000.00", currency: USD, qualifier: APPROXIMATE} → "about USD 8,000,000". */
export function formatMoney(m: Money): string {
  return `${qualifierWord(m.qualifier)}${m.currency} ${formatNumber(m.amount)}`;
}

/** ISO date text of the precision the source gives, "(derived: how)" when computed. */
export function formatFuzzyDate(d: FuzzyDate | null | undefined): string | null {
  if (!d) return null;
  if (!d.derived) return d.value;
  return d.derivedHow ? `${d.value} (derived: ${d.derivedHow})` : `${d.value} (derived)`;
}

/** SCREAMING_ENUM → "Screaming enum". */
export function enumLabel(value: string | null | undefined): string {
  if (!value) return "Not stated";
  const words = value.toLowerCase().replace(/_/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A partner's short name: its acronym where it has one. */
export function partnerLabel(p: { acronym?: string | null; name: string }): string {
  return p.acronym ?? p.name;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatNumber(n)} ${n === 1 ? one : many}`;
}
