// Echoing a document's strings in error messages, cut to a readable length: a 100 MB key in a model
// file must not be repeated whole. (optim has the same rule in its echo.ts; layers may not import it.)

/** How many characters of an echoed string a message shows. */
const ECHO_CHARS = 60;
/** How many items of an echoed list a message shows. */
const ECHO_ITEMS = 10;

/**
 * A string in `quote`s (`"` escapes as JSON does; `'` shows it as it is), cut after ECHO_CHARS
 * characters with its length said: `"xxxx…"… (1000000 characters)`.
 */
export function echo(text: string, quote: '"' | "'" = '"'): string {
  const long = text.length > ECHO_CHARS;
  let head = long ? text.slice(0, ECHO_CHARS) : text;
  if (long && /[\uD800-\uDBFF]$/.test(head)) head = head.slice(0, -1); // don't split a surrogate pair
  const shown = quote === '"' ? JSON.stringify(head) : `'${head}'`;
  return long ? `${shown}… (${text.length} characters)` : shown;
}

/** Strings, each `echo`ed, joined by ", ": the first ECHO_ITEMS and then how many in all. */
export function echoList(items: readonly string[], noun: string): string {
  const shown = items.slice(0, ECHO_ITEMS).map((s) => echo(s));
  if (items.length > ECHO_ITEMS) shown.push(`… (${items.length} ${noun})`);
  return shown.join(', ');
}
