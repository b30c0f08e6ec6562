// Echoing input in error messages, cut to a readable length: a 50 MB field or a 100,000-column
// header must not be repeated whole in a message.

/** How many characters of an echoed string a message shows. */
export const ECHO_CHARS = 60;
/** How many items of an echoed list a message shows. */
export const ECHO_ITEMS = 10;

/**
 * A string as a message shows it, in `quote`s (`"` escapes as JSON does; `'` shows it as it is),
 * cut after ECHO_CHARS characters with its length said: `"xxxx…"… (1000000 characters)`.
 */
export function echo(text: string, quote: '"' | "'" = '"'): string {
  const long = text.length > ECHO_CHARS;
  let head = long ? text.slice(0, ECHO_CHARS) : text;
  // Don't split a surrogate pair.
  if (long && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1);
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

/** A list of strings, each `echo`ed, joined by ", ": the first ECHO_ITEMS and then how many in all. */
export function echoList(items: readonly string[], quote: '"' | "'", noun: string): string {
  const shown = items.slice(0, ECHO_ITEMS).map((s) => echo(s, quote));
  if (items.length > ECHO_ITEMS) shown.push(`… (${items.length} ${noun})`);
  return shown.join(', ');
}
