/**
 * How the set test stores its set of integers in one value: a bitmap, bit e set when element e is
 * in the set. Union is a bitwise or, and 2,000 elements take 250 bytes — far inside the 10 KiB entry
 * limit (SPEC 1.1), where a decimal list would not be (about 9.8 KB). Sets with elements beyond about
 * 80,000 no longer fit one value; the store then refuses the write with `KV_VALUE_TOO_LARGE`.
 */

export function encodeElements(elements: Iterable<number>): Uint8Array {
  let max = -1;
  for (const e of elements) if (e > max) max = e;
  const bytes = new Uint8Array(Math.ceil((max + 1) / 8));
  for (const e of elements) bytes[e >> 3] = (bytes[e >> 3] as number) | (1 << (e & 7));
  return bytes;
}

/** The elements of a bitmap, ascending. */
export function decodeElements(bytes: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] as number;
    if (byte === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push(i * 8 + bit);
  }
  return out;
}

/**
 * The bitmap of the union of `bitmaps` (null: a tombstone, no elements) and `extra`, byte for byte
 * what `encodeElements` makes of those elements: a bitwise OR, so a Jepsen add's read-union-write
 * costs a pass over bytes instead of decoding every sibling's elements into a set.
 */
export function unionOfElements(bitmaps: readonly (Uint8Array | null)[], extra?: number): Uint8Array {
  let length = extra === undefined ? 0 : (extra >> 3) + 1;
  for (const bitmap of bitmaps) if (bitmap !== null && bitmap.length > length) length = bitmap.length;
  const out = new Uint8Array(length);
  for (const bitmap of bitmaps) {
    if (bitmap === null) continue;
    for (let i = 0; i < bitmap.length; i++) out[i] = (out[i] as number) | (bitmap[i] as number);
  }
  if (extra !== undefined) out[extra >> 3] = (out[extra >> 3] as number) | (1 << (extra & 7));
  let end = length;
  while (end > 0 && out[end - 1] === 0) end--; // as encodeElements: no trailing empty bytes
  return end === length ? out : out.slice(0, end);
}
