// The whole setup in a URL's query, so a lecturer can link a configuration; reading one back
// reports each bad parameter and keeps the default for it, so an old or hand-edited link still opens.
import { checkConfig, DEFAULT_CONFIG, type HiddenLayer, type PlaygroundConfig } from './config.js';
import { PlaygroundError } from './errors.js';

// Query parameter ↔ config field; short names where the field's name is long.
const PARAMS = {
  dataset: 'dataset',
  samples: 'samples',
  noise: 'noise',
  seed: 'seed',
  hidden: 'hidden',
  output: 'output',
  optimizer: 'optimizer',
  lr: 'lr',
  batch: 'batchSize',
  validation: 'validation',
  target: 'target',
} as const satisfies Record<string, keyof PlaygroundConfig>;
type Param = keyof typeof PARAMS;

const NUMERIC = new Set<keyof PlaygroundConfig>([
  'samples',
  'noise',
  'seed',
  'lr',
  'batchSize',
  'validation',
]);

// encodeURIComponent, keeping the few characters that read well in a link and are safe in a query.
const encode = (s: string) =>
  encodeURIComponent(s).replace(/%(2C|3A)/g, (m) => decodeURIComponent(m));

/** `hidden` as `size:activation` pairs joined by commas, e.g. `3:sigmoid,4:leakyRelu(0.2)`. */
function hiddenToText(hidden: readonly HiddenLayer[]): string {
  return hidden.map((h) => `${h.size}:${h.activation}`).join(',');
}

/** Splits at commas outside parentheses, so a family's arguments stay with their name. */
function splitLayers(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let c = 0; c < text.length; c++) {
    if (text[c] === '(') depth++;
    else if (text[c] === ')') depth--;
    else if (text[c] === ',' && depth === 0) {
      parts.push(text.slice(start, c));
      start = c + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function hiddenFromText(text: string): HiddenLayer[] {
  if (text.trim() === '') return [];
  return splitLayers(text).map((part, n) => {
    const match = /^\s*(\d+)\s*:\s*(.+?)\s*$/.exec(part);
    if (!match) {
      throw new PlaygroundError(
        `hidden layer ${n + 1}: expected size:activation such as 3:sigmoid; got '${part}'`,
      );
    }
    return { size: Number(match[1]), activation: match[2] as string };
  });
}

/**
 * The config as a URL query (without the leading '?'), every field written so the link keeps
 * meaning the same when the defaults change.
 * @example
 * const query = configToQuery({ ...DEFAULT_CONFIG, hidden: [{ size: 4, activation: 'relu' }] });
 * console.log(query);
 * // → dataset=xor&samples=200&noise=0.1&seed=4&hidden=4:relu&output=linear&optimizer=sgd&lr=0.3&batch=1&validation=0.3
 * // a bad parameter: reported, and the default used
 * const { config, problems } = configFromQuery(`${query}&lr=fast`);
 * console.log(config.hidden, config.lr); // → [ { size: 4, activation: 'relu' } ] 0.3
 * console.log(problems.length); // → 1
 */
export function configToQuery(config: PlaygroundConfig): string {
  const c = checkConfig(config);
  const parts: string[] = [];
  for (const [param, field] of Object.entries(PARAMS) as [Param, keyof PlaygroundConfig][]) {
    const value = c[field];
    if (value === null) continue; // target: the last column
    const text = field === 'hidden' ? hiddenToText(value as HiddenLayer[]) : String(value);
    parts.push(`${param}=${encode(text)}`);
  }
  return parts.join('&');
}

/**
 * The config a URL query describes (with or without the leading '?'). A missing parameter takes
 * `DEFAULT_CONFIG`'s value; a bad or unknown one is listed in `problems` (a sentence each, for the
 * page) and the default is used for it.
 */
export function configFromQuery(query: string): { config: PlaygroundConfig; problems: string[] } {
  const problems: string[] = [];
  const given: Partial<Record<keyof PlaygroundConfig, unknown>> = {};
  const text = query.startsWith('?') ? query.slice(1) : query;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    let name: string;
    let raw: string;
    try {
      name = decodeURIComponent(eq < 0 ? pair : pair.slice(0, eq));
      raw = eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
    } catch {
      problems.push(`'${pair}' is not a valid URL parameter (bad % escape); ignored`);
      continue;
    }
    if (!Object.hasOwn(PARAMS, name)) {
      problems.push(
        `unknown parameter '${name}' ignored; known: ${Object.keys(PARAMS).join(', ')}`,
      );
      continue;
    }
    const field = PARAMS[name as Param];
    try {
      const value =
        field === 'hidden'
          ? hiddenFromText(raw)
          : NUMERIC.has(field)
            ? raw.trim() === ''
              ? raw
              : Number(raw)
            : raw;
      checkConfig({ [field]: value }); // one field at a time: the others are the defaults
      given[field] = value;
    } catch (e) {
      const fallback =
        field === 'hidden'
          ? hiddenToText(DEFAULT_CONFIG.hidden) || '(none)'
          : String(DEFAULT_CONFIG[field]);
      problems.push(`${name}=${raw}: ${(e as Error).message}; using the default ${fallback}`);
    }
  }
  return { config: checkConfig(given), problems };
}
