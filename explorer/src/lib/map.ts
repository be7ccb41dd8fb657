// The world map: Natural Earth 1:110m countries (world-atlas, bundled), drawn as SVG paths
// with d3-geo. The API gives ISO 3166-1 alpha-2 codes; world-atlas keys its countries by
// ISO numeric code, matched through i18n-iso-countries' table.

import { alpha2ToNumeric } from "i18n-iso-countries";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";
import type { Topology, GeometryCollection } from "topojson-specification";
import type { Feature, FeatureCollection, Geometry } from "geojson";
import world from "world-atlas/countries-110m.json";
import { svg, h, uid } from "./dom";
import { plural } from "./format";

export interface MapCountry {
  code: string;
  name: string;
  projectCount: number;
  href: string;
}

type CountryProps = { name: string };

const WIDTH = 960;
const HEIGHT = 470;

/** Shades for 1, 2 and 3+ projects; the lightest still 3:1 against the grey of the rest. */
export const MAP_SHADES = ["#4a7fc4", "#22579b", "#0f2f5c"];
const NO_PROJECTS = "#e4e7eb"; // 1 project (#4a7fc4) against it: 3.3:1

function shade(count: number): string {
  return MAP_SHADES[Math.min(count, MAP_SHADES.length) - 1] ?? NO_PROJECTS;
}

/** An SVG world map shading the countries with projects, each a link to its projects. */
export function worldMap(countries: MapCountry[]): HTMLElement {
  const topology = world as unknown as Topology<{ countries: GeometryCollection<CountryProps> }>;
  const all = feature(topology, topology.objects.countries) as FeatureCollection<Geometry, CountryProps>;
  // Antarctica takes room and has no projects.
  const shapes = all.features.filter((f) => f.id !== "010");
  const projection = geoEqualEarth().fitSize([WIDTH, HEIGHT], { type: "FeatureCollection", features: shapes });
  const path = geoPath(projection);

  const byNumeric = new Map<string, MapCountry>();
  const unmatched: MapCountry[] = [];
  for (const c of countries) {
    const numeric = alpha2ToNumeric(c.code);
    if (numeric && shapes.some((f) => f.id === numeric)) byNumeric.set(numeric, c);
    else unmatched.push(c);
  }

  const titleId = uid("map-title");
  const descId = uid("map-desc");
  const background: SVGElement[] = [];
  const linked: SVGElement[] = [];
  for (const f of shapes as Feature<Geometry, CountryProps>[]) {
    const d = path(f);
    if (!d) continue;
    const match = typeof f.id === "string" ? byNumeric.get(f.id) : undefined;
    if (match) {
      const label = `${match.name}: ${plural(match.projectCount, "project")}`;
      linked.push(
        svg(
          "a",
          { href: match.href, "aria-label": label, class: "map-country", "data-code": match.code },
          svg("path", { d, fill: shade(match.projectCount) }, svg("title", null, label)),
        ),
      );
    } else {
      background.push(svg("path", { d, fill: NO_PROJECTS, "aria-hidden": "true" }, svg("title", null, f.properties.name)));
    }
  }

  const picture = svg(
    "svg",
    {
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      class: "world-map",
      role: "group",
      "aria-labelledby": titleId,
      "aria-describedby": descId,
    },
    svg("title", { id: titleId }, "World map of the countries with projects"),
    svg(
      "desc",
      { id: descId },
      `${plural(byNumeric.size, "country", "countries")} shaded by their number of projects; each links to its projects.`,
    ),
    svg("g", { class: "map-background" }, background),
    svg("g", { class: "map-linked" }, linked),
  );

  const legend = h(
    "ul",
    { class: "legend", "aria-label": "Legend" },
    h("li", null, h("span", { class: "swatch", style: `background:${NO_PROJECTS}` }), "no project"),
    MAP_SHADES.map((colour, i) =>
      h(
        "li",
        null,
        h("span", { class: "swatch", style: `background:${colour}` }),
        i === MAP_SHADES.length - 1 ? `${i + 1} or more projects` : plural(i + 1, "project"),
      ),
    ),
  );
  return h(
    "div",
    { class: "map" },
    picture,
    legend,
    unmatched.length > 0
      ? h("p", { class: "note" }, `Not on this map's scale: ${unmatched.map((c) => c.name).join(", ")}.`)
      : null,
  );
}
