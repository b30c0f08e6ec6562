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
