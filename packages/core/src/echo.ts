// Quoting input in error messages, cut to a readable length: a 50 MB CSV field, a 100 MB key in a
// model file or a 100,000-column header must not be repeated whole. Exported for the libraries
// built on core (layers, optim), so every message of the library quotes input the same way.

/** How many characters of an echoed string a message shows. */
export const ECHO_CHARS = 60;
/** How many items of an echoed list a message shows. */
export const ECHO_ITEMS = 10;

/**
 * A string as an error message shows it, in `quote`s (`"` escapes as JSON does; `'` shows it as
 * it is), cut after 60 characters with its length said: `"xxxx…"… (1000000 characters)`.
 * @example echo('activaton') // '"activaton"'
 */
export function echo(text: string, quote: '"' | "'" = '"'): string {
  const long = text.length > ECHO_CHARS;
  let head = long ? text.slice(0, ECHO_CHARS) : text;
  if (long && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1); // don't split a surrogate pair
  const shown = quote === '"' ? JSON.stringify(head) : `'${head}'`;
  return long ? `${shown}… (${text.length} characters)` : shown;
}

/** Any value as a message shows it: strings via `echo`, other primitives as written, else their kind. */
export function echoValue(value: unknown): string {
  if (typeof value === 'string') return echo(value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? 'a function' : String(value);
  }
  return Array.isArray(value) ? `an array of ${value.length}` : 'an object';
}

/**
 * Strings, each `echo`ed, joined by ", ": the first 10 and then how many `noun` in all.
 * @example echoList(names, 'columns') // '"a", "b", … (100000 columns)'
 */
export function echoList(items: readonly string[], noun: string, quote: '"' | "'" = '"'): string {
  const shown = items.slice(0, ECHO_ITEMS).map((s) => echo(s, quote));
  if (items.length > ECHO_ITEMS) shown.push(`… (${items.length} ${noun})`);
  return shown.join(', ');
}
