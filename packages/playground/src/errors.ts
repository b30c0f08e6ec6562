// The one error the playground raises for people: what was expected, and where (a config field,
// a CSV line and column, the step that diverged). The page shows its message as it is.

/** A problem the page should show to its user; `line` and `column` point into a CSV when known. */
export class PlaygroundError extends Error {
  /** The 1-based line of the CSV text, or null. */
  readonly line: number | null;
  /** The CSV column's name, or null. */
  readonly column: string | null;
  constructor(message: string, where: { line?: number | null; column?: string | null } = {}) {
    super(message);
    this.name = 'PlaygroundError';
    this.line = where.line ?? null;
    this.column = where.column ?? null;
  }
}
