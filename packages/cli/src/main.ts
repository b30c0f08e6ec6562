// The backprop command line (bin/backprop.mjs runs this): commands are added in their own files.
export async function main(argv: readonly string[]): Promise<number> {
  process.stderr.write(`backprop: no commands yet (got ${argv.length} arguments)\n`);
  return 2;
}
