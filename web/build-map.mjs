// Build-time only: project Natural Earth 1:110m country boundaries (npm
// world-atlas, public domain) with the Equal Earth projection and print
// compact SVG paths keyed by ISO 3166 numeric id. custodes.web.build_map
// then maps the ids to ISO alpha-2 and writes the file the atlas serves.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { geoEqualEarth, geoPath } from "d3-geo";
import { feature } from "topojson-client";

const require = createRequire(import.meta.url);
const topo = JSON.parse(readFileSync(require.resolve("world-atlas/countries-110m.json"), "utf8"));
const WIDTH = 960;
const HEIGHT = 470;
const ANTARCTICA = "010"; // no surveillance deployments to show; saves a fifth of the height

const all = feature(topo, topo.objects.countries).features;
const shown = { type: "FeatureCollection", features: all.filter((f) => f.id !== ANTARCTICA) };
// Centred on 11°E so the antimeridian cut runs through open Pacific water
// (Fiji and Chukotka stay whole); sized to the land actually shown.
const projection = geoEqualEarth().rotate([-11, 0]).fitExtent([[4, 4], [WIDTH - 4, HEIGHT - 4]], shown);
const path = geoPath(projection).digits(1);

const countries = shown.features.map((f) => ({
  numeric: f.id ?? null,
  name: f.properties.name,
  d: path(f),
}));
process.stdout.write(JSON.stringify({
  source: "Natural Earth 1:110m via npm world-atlas@2.0.2 (public domain)",
  projection: { name: "EqualEarth", rotate: projection.rotate(), scale: projection.scale(), translate: projection.translate() },
  width: WIDTH,
  height: HEIGHT,
  countries,
}));
