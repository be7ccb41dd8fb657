// Bar and line charts with Chart.js (only the parts used are registered, so the rest is not
// bundled).

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type Scale,
} from "chart.js";
import { h } from "./dom";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Legend,
  Tooltip,
);
Chart.defaults.color = "#1f2933";
Chart.defaults.font.family =
  'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.animation = false;

/** Colours with at least 3:1 contrast on white (WCAG 1.4.11), distinct from each other. */
export const SERIES_COLOURS = ["#1f4e99", "#c2410c", "#2f7d32", "#7b3294", "#9a6700"];

export interface BarSeries {
  label: string;
  data: (number | null)[];
  /** Tooltip text per bar (e.g. with the qualifier "at least"); falls back to the number. */
  tooltips?: (string | null)[];
}

export interface BarChartOptions {
  labels: string[];
  series: BarSeries[];
  /** Horizontal bars (long category names). */
  horizontal?: boolean;
  /** Short description for screen readers; the table holds the full data. */
  ariaLabel: string;
  /** Tick labels of the value axis. */
  formatValue: (value: number) => string;
  /** Title of the value axis (e.g. the currency). */
  valueTitle?: string;
}

/** A chart in a sized box; returns the box and a function that destroys the chart. */
export function barChart(options: BarChartOptions): { element: HTMLElement; destroy: () => void } {
  const { labels, series, horizontal = false } = options;
  const canvas = h(
    "canvas",
    { role: "img", "aria-label": options.ariaLabel },
    options.ariaLabel,
  );
  const height = horizontal ? Math.max(160, labels.length * 34 + 70) : 300;
  const element = h("div", { class: "chart", style: `height: ${height}px` }, canvas);

  const valueAxis = {
    beginAtZero: true,
    title: { display: Boolean(options.valueTitle), text: options.valueTitle ?? "" },
    ticks: { callback: (value: string | number) => options.formatValue(Number(value)) },
    grid: { color: "#d9dee3" },
  };
  const categoryAxis = {
    grid: { display: false },
    ticks: {
      // Long theme names are cut on the axis; the tooltip and the table have them whole.
      callback(this: Scale, value: string | number) {
        const text = this.getLabelForValue(Number(value));
        const max = this.chart.width < 480 ? 16 : 28;
        return text.length > max ? `${text.slice(0, max - 1)}…` : text;
      },
    },
  };
  const config: ChartConfiguration<"bar", (number | null)[], string> = {
    type: "bar",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.data,
        backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length] ?? "#1f4e99",
        borderWidth: 0,
        maxBarThickness: 48,
      })),
    },
    options: {
      indexAxis: horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: series.length > 1, position: "bottom" },
        tooltip: {
          callbacks: {
            title: (items) => items[0]?.label ?? "",
            label: (item) => {
              const custom = series[item.datasetIndex]?.tooltips?.[item.dataIndex];
              const text = custom ?? options.formatValue(Number(item.raw));
              return `${item.dataset.label ?? ""}: ${text}`;
            },
          },
        },
      },
    },
  };
  let chart: Chart<"bar", (number | null)[], string> | null = null;
  // Chart.js measures its box, so create it once the box is in the document.
  requestAnimationFrame(() => {
    if (canvas.isConnected) chart = new Chart(canvas, config);
  });
  return {
    element,
    destroy: () => {
      chart?.destroy();
      chart = null;
    },
  };
}

/** 14400000 → "14.4M", for axis ticks. */
export function compactNumber(value: number): string {
  return new Intl.NumberFormat("en-GB", { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

export interface LineChartOptions {
  /** The x positions in order (dates as text). */
  labels: string[];
  series: BarSeries[];
  ariaLabel: string;
  formatValue: (value: number) => string;
  valueTitle?: string;
}

/**
 * Running totals as stepped lines (a total changes on the day of a transaction and stays
 * until the next); a series' null points are bridged, so each line runs on to the end.
 */
export function lineChart(options: LineChartOptions): { element: HTMLElement; destroy: () => void } {
  const canvas = h("canvas", { role: "img", "aria-label": options.ariaLabel }, options.ariaLabel);
  const element = h("div", { class: "chart", style: "height: 300px" }, canvas);
  const config: ChartConfiguration<"line", (number | null)[], string> = {
    type: "line",
    data: {
      labels: options.labels,
      datasets: options.series.map((s, i) => ({
        label: s.label,
        data: s.data,
        borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length] ?? "#1f4e99",
        backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length] ?? "#1f4e99",
        stepped: "before" as const,
        spanGaps: true,
        pointRadius: 3,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { grid: { display: false } },
        y: {
          title: { display: Boolean(options.valueTitle), text: options.valueTitle ?? "" },
          ticks: { callback: (value: string | number) => options.formatValue(Number(value)) },
          grid: { color: "#d9dee3" },
        },
      },
      plugins: {
        legend: { display: true, position: "bottom" },
        tooltip: {
          callbacks: {
            label: (item) => {
              const custom = options.series[item.datasetIndex]?.tooltips?.[item.dataIndex];
              return `${item.dataset.label ?? ""}: ${custom ?? options.formatValue(Number(item.raw))}`;
            },
          },
        },
      },
    },
  };
  let chart: Chart<"line", (number | null)[], string> | null = null;
  requestAnimationFrame(() => {
    if (canvas.isConnected) chart = new Chart(canvas, config);
  });
  return {
    element,
    destroy: () => {
      chart?.destroy();
      chart = null;
    },
  };
}
