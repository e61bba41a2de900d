/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby, public domain; reference: SMHasher's
 * `MurmurHash3_x86_32`). The ring hash (SPEC 1.2): keys and node tokens are placed on the 2^32 ring
 * by this function over their UTF-8 bytes, so a position can be checked by hand against any other
 * implementation. Blocks are read little-endian, as the reference does on x86, so results are the
 * published test vectors on every platform.
 *
 * Not cryptographic: a chosen key can collide on purpose. That only skews load, which the lab shows.
 */

import { utf8EncodeInto, utf8Length } from './utf8.ts';

const c1 = 0xcc9e2d51;
const c2 = 0x1b873593;

/** MurmurHash3_x86_32 of `bytes[start, end)` with `seed`; an unsigned 32-bit integer. */
export function murmur3x86_32(bytes: Uint8Array, seed = 0, start = 0, end = bytes.length): number {
  let h = seed >>> 0;
  const blocksEnd = start + ((end - start) & ~3);
  let i = start;
  for (; i < blocksEnd; i += 4) {
    let k =
      (bytes[i] as number) |
      ((bytes[i + 1] as number) << 8) |
      ((bytes[i + 2] as number) << 16) |
      ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  // The 1-3 byte tail, little-endian, as the reference's fall-through switch reads it.
  const tail = (end - start) & 3;
  if (tail > 0) {
    let k = bytes[i] as number;
    if (tail > 1) k |= (bytes[i + 1] as number) << 8;
    if (tail > 2) k |= (bytes[i + 2] as number) << 16;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= end - start;
  return fmix32(h);
}

/** The reference finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * Scratch space for hashing text without allocating per call: lookups on the ring happen for every
 * client operation (≥ 50k/s in the simulator). The engine is single-threaded per node, and this
 * function never re-enters, so one module-level buffer is safe. Grows to the longest text seen.
 */
let scratch = new Uint8Array(256);

/** MurmurHash3_x86_32 of the UTF-8 bytes of `text`. */
export function murmur3OfText(text: string, seed = 0): number {
  // Fast path: ASCII of at most scratch.length characters needs no length pass.
  if (text.length <= scratch.length) {
    let ascii = true;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) {
        ascii = false;
        break;
      }
      scratch[i] = c;
    }
    if (ascii) return murmur3x86_32(scratch, seed, 0, text.length);
  }
  const length = utf8Length(text);
  if (length > scratch.length) scratch = new Uint8Array(Math.max(length, scratch.length * 2));
  utf8EncodeInto(text, scratch, 0);
  return murmur3x86_32(scratch, seed, 0, length);
}
