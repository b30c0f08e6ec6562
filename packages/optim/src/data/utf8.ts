// Strict UTF-8: where a byte sequence stops being UTF-8. A lossy decoder turns every bad byte into
// U+FFFD, so Latin-1 'café' and 'cafè' would become one class label; we refuse such text instead.

// In every browser and in Node; declared here since this package is checked without DOM or Node types.
declare const TextDecoder: new (
  label?: string,
  options?: { fatal?: boolean },
) => { decode(input?: Uint8Array): string };

/**
 * `bytes` decoded as UTF-8 (a leading byte-order mark dropped), or where they stop being UTF-8:
 * the byte offset of the first ill-formed sequence and the 1-based line it is on.
 */
export function decodeUtf8(
  bytes: Uint8Array,
): { text: string } | { offset: number; byte: number; line: number } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, offset));
    const line = (before.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
    return { offset, byte: bytes[offset] as number, line };
  }
}

/**
 * The byte offset of the first ill-formed sequence in `bytes` (its first byte), or −1 when all of
 * `bytes` is well-formed UTF-8 (Unicode 15, table 3-7: no overlongs, no surrogates, ≤ U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    // The length of the sequence and the allowed range of its second byte.
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + len > n) return i;
    const b1 = bytes[i + 1] as number;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k < len; k++) {
      const c = bytes[i + k] as number;
      if (c < 0x80 || c > 0xbf) return i;
    }
    i += len;
  }
  return -1;
}
