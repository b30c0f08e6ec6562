// Tiny dependency-free SVG charts for the examples: line plots (loss curves, gradient norms)
// and scatter plots (measured vs estimated).

export interface Series {
  name: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic y axis (for quantities that shrink geometrically, like p. 20's gradients). */
  logY?: boolean;
  /** Draw the line y = x (for measured-vs-estimated plots). */
  diagonal?: boolean;
  width?: number;
  height?: number;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function chart(series: readonly Series[], options: PlotOptions, mode: 'line' | 'scatter'): string {
  const { width = 640, height = 420, logY = false } = options;
  const m = { left: 70, right: 20, top: 40, bottom: 55 };
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y.map(ty)).filter(Number.isFinite);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (options.diagonal)
    [x0, x1, y0, y1] = [Math.min(x0, y0), Math.max(x1, y1), Math.min(x0, y0), Math.max(x1, y1)];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  const px = (v: number) => m.left + ((v - x0) / (x1 - x0)) * (width - m.left - m.right);
  const py = (v: number) =>
    height - m.bottom - ((ty(v) - y0) / (y1 - y0)) * (height - m.top - m.bottom);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${escapeXml(options.title)}</text>`,
    `<line x1="${m.left}" y1="${height - m.bottom}" x2="${width - m.right}" y2="${height - m.bottom}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${height - m.bottom}" stroke="black"/>`,
    `<text x="${(width + m.left) / 2}" y="${height - 12}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(16 ${(height - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const vx = x0 + ((x1 - x0) * i) / 4;
    const vy = y0 + ((y1 - y0) * i) / 4;
    const yLabel = logY ? `1e${vy.toFixed(1)}` : Number(vy.toPrecision(3)).toString();
    out.push(
      `<text x="${px(vx)}" y="${height - m.bottom + 16}" text-anchor="middle">${Number(vx.toPrecision(3))}</text>`,
    );
    const yPos = height - m.bottom - (i / 4) * (height - m.top - m.bottom);
    out.push(`<text x="${m.left - 6}" y="${yPos + 4}" text-anchor="end">${yLabel}</text>`);
  }
  if (options.diagonal) {
    out.push(
      `<line x1="${px(x0)}" y1="${py(logY ? 10 ** y0 : y0)}" x2="${px(x1)}" y2="${py(logY ? 10 ** y1 : y1)}" stroke="#999" stroke-dasharray="4 4"/>`,
    );
  }
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length];
    const points = s.x
      .map((x, i) => [px(x), py(s.y[i])] as const)
      .filter(([, y]) => Number.isFinite(y));
    if (mode === 'line') {
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`,
      );
    } else {
      for (const [x, y] of points)
        out.push(
          `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3" fill="${color}" fill-opacity="0.6"/>`,
        );
    }
    out.push(
      `<text x="${width - m.right - 150}" y="${m.top + 16 * (k + 1)}" fill="${color}">${escapeXml(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** A line chart of one or more series. */
export function linePlot(series: readonly Series[], options: PlotOptions): string {
  return chart(series, options, 'line');
}

/** A scatter chart of one or more series. */
export function scatterPlot(series: readonly Series[], options: PlotOptions): string {
  return chart(series, options, 'scatter');
}
