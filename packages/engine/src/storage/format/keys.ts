/**
 * Key order and key bytes. Keys are UTF-8 strings ordered by their UTF-8 bytes, which is Unicode
 * code-point order. JavaScript's `<` compares UTF-16 code units instead, which disagrees for
 * characters above U+FFFF versus U+E000–U+FFFF, so string comparisons go through `compareKeys`.
 * Tables compare encoded bytes (`compareBytes`), the memtable compares strings: both give one order.
 */

import { kvError } from '../../errors.ts';
import { utf8Decode, utf8Encode } from '../../hashing/utf8.ts';

export function encodeKey(key: string): Uint8Array {
  // ASCII keys (the common case) in one pass; anything else through the full encoder.
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return utf8Encode(key);
    out[i] = c;
  }
  return out;
}

/** Decodes key bytes read from a verified block or log record. */
export function decodeKey(bytes: Uint8Array): string {
  // ASCII keys are the common case: one call builds them without a general UTF-8 decoder.
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && bytes.length <= 4096) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  const text = utf8Decode(bytes);
  if (text === null) throw kvError('KV_CORRUPTION', 'a stored key is not valid UTF-8');
  return text;
}

/** Negative, zero or positive as `a` sorts before, with or after `b` in code-point order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (code points ≥ U+10000) sort after U+E000–U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Lexicographic order of byte strings (the order of keys inside tables). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Compares `key` with the `length` bytes of `block` at `offset`, without copying them. */
export function compareKeyAt(key: Uint8Array, block: Uint8Array, offset: number, length: number): number {
  const n = Math.min(key.length, length);
  for (let i = 0; i < n; i++) {
    const d = (key[i] as number) - (block[offset + i] as number);
    if (d !== 0) return d;
  }
  return key.length - length;
}
