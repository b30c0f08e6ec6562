// The decision or regression surface over the data's range (2-D inputs), or the yy-plot (others):
// the network's output in the data's units, for the page to draw.
import type { MLP } from '@backprop/layers';
import type { PlaygroundData } from './data.js';
import { type Prepared, predict } from './network.js';
import type { Surface, YYPoint } from './snapshot.js';

/** Grid points per axis. */
export const SURFACE_SIZE = 40;

function axis(values: number[]): number[] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const margin = (hi - lo) * 0.05 || 0.5;
  lo -= margin;
  hi += margin;
  return Array.from({ length: SURFACE_SIZE }, (_, c) => lo + ((hi - lo) * c) / (SURFACE_SIZE - 1));
}

/** The output over a SURFACE_SIZE² grid spanning the data (with a 5 % margin); null unless 2-D. */
export function surfaceOf(model: MLP, data: PlaygroundData, prepared: Prepared): Surface | null {
  if (data.x[0]?.length !== 2) return null;
  const x1 = axis(data.x.map((r) => r[0] as number));
  const x2 = axis(data.x.map((r) => r[1] as number));
  let grid = x2.flatMap((b) => x1.map((a) => [a, b]));
  if (prepared.xScaler) grid = prepared.xScaler.transform(grid).toArray() as number[][];
  const out = predict(model, grid);
  const classes = data.classes?.length ?? 0;
  let kind: Surface['kind'];
  let values: number[];
  if (data.task === 'regression') {
    kind = 'regression';
    values = out.map((r) => r[0] as number);
    const { yScaler } = prepared;
    if (yScaler)
      values = (yScaler.inverseTransform(values.map((v) => [v])).toArray() as number[][]).map(
        (r) => r[0] as number,
      );
  } else if (out[0]?.length === 1) {
    kind = 'score';
    values = out.map((r) => r[0] as number);
  } else if (classes === 2) {
    kind = 'probability';
    values = out.map((r) => r[1] as number);
  } else {
    kind = 'class';
    values = out.map((r) => r.indexOf(Math.max(...r)));
  }
  return { x1, x2, values, kind };
}

/** Target against prediction for every sample, in the target's units; null unless a regression without 2-D inputs. */
export function yyPointsOf(model: MLP, data: PlaygroundData, prepared: Prepared): YYPoint[] | null {
  if (data.task !== 'regression' || data.x[0]?.length === 2) return null;
  let yE = predict(model, prepared.x).map((r) => r[0] as number);
  const { yScaler } = prepared;
  if (yScaler)
    yE = (yScaler.inverseTransform(yE.map((v) => [v])).toArray() as number[][]).map(
      (r) => r[0] as number,
    );
  const held = new Set(prepared.split.validation);
  return data.y.map((y, s) => ({ sample: s, y, yE: yE[s] as number, validation: held.has(s) }));
}
