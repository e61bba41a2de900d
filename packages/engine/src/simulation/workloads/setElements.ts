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
