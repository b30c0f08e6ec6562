// Renders a Vega-Lite spec to an SVG string at build time, for a data loader to inline in a page:
// no plot code runs in the reader's browser and nothing is fetched.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The SVG of `spec`, rendered headless (renderer 'none': no canvas needed in Node). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rows {x, y, series} for one Vega-Lite line layer per series. */
export function rows(
  x: readonly number[],
  series: Readonly<Record<string, readonly number[]>>,
): { x: number; y: number; series: string }[] {
  return Object.entries(series).flatMap(([name, ys]) =>
    x.map((xi, n) => ({ x: xi, y: ys[n], series: name })),
  );
}

/** Fixed-point text of a number, with a space where a minus sign would be (aligned columns). */
export const fixed = (v: number, digits = 12) => (v < 0 ? '' : '\u2007') + v.toFixed(digits);

/** A small non-negative number in short exponential form, '0' when it is 0. */
export const small = (d: number) => (d === 0 ? '0' : d.toExponential(1));

/** |u − v| in short exponential form, '0' when equal. */
export const gap = (u: number, v: number) => small(Math.abs(u - v));
