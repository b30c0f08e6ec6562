// A Vega-Lite spec drawn live in the page with Vega's View API: compiled once, its rows replaced
// on each snapshot, and exportable as SVG.
import type { TopLevelSpec } from 'vega-lite';

/** One plot in an element: `update` replaces its rows, `toSvg` renders it as an SVG file's text. */
export interface LivePlot {
  update(rows: readonly object[]): Promise<void>;
  toSvg(): Promise<string>;
  finalize(): void;
}

/** The name of the data set a spec given to `mountPlot` reads: `data: { name: ROWS }`. */
export const ROWS = 'rows';

/** Draws `spec` (its data named ROWS) into `element`; `toSvg` gives SVG whatever it draws on. */
export async function mountPlot(
  element: HTMLElement,
  spec: TopLevelSpec,
  renderer: 'canvas' | 'svg' = 'svg',
): Promise<LivePlot> {
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), {
    renderer,
    container: element,
    hover: false,
  });
  await view.runAsync();
  return {
    async update(rows) {
      view.data(ROWS, rows as object[]);
      await view.runAsync();
    },
    toSvg: () => view.toSVG(),
    finalize: () => view.finalize(),
  };
}
