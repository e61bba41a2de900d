/**
 * A 64-bit digest for Merkle leaves and version fingerprints (SPEC 1.6, anti-entropy): two
 * MurmurHash3_x86_32 lanes with different seeds, the second seeded from the first so the lanes are
 * not independent hashes of the same collisions. 64 bits keep accidental collisions between honest
 * versions out of reach for the data sizes of the lab (birthday bound ~2^32 versions); it is not
 * cryptographic, and anti-entropy does not need it to be.
 *
 * A digest is carried as 16 lower-case hex digits: comparable with `===`, printable in the lab,
 * structured-cloneable and JSON-safe.
 */

import { murmur3OfText, murmur3x86_32 } from './murmur3.ts';

const laneSeedA = 0x9747b28c;
const laneSeedB = 0x5bd1e995;

export type Digest64 = string;

/** The digest of `bytes[start, end)`. */
export function digest64(bytes: Uint8Array, start = 0, end = bytes.length): Digest64 {
  const a = murmur3x86_32(bytes, laneSeedA, start, end);
  const b = murmur3x86_32(bytes, (laneSeedB ^ a) >>> 0, start, end);
  return hex32(a) + hex32(b);
}

/** The digest of the UTF-8 bytes of `text`. */
export function digest64OfText(text: string): Digest64 {
  const a = murmur3OfText(text, laneSeedA);
  const b = murmur3OfText(text, (laneSeedB ^ a) >>> 0);
  return hex32(a) + hex32(b);
}

/** `digest64OfText` as its two 32-bit lanes (high, low), for sums without hex round trips. */
export function digest64LanesOfText(text: string): { high: number; low: number } {
  const high = murmur3OfText(text, laneSeedA);
  return { high, low: murmur3OfText(text, (laneSeedB ^ high) >>> 0) };
}

/**
 * One digest for an ordered list of digests (a Merkle parent from its children). Order matters:
 * children are combined left to right, as the tree stores them.
 */
export function combineDigests(digests: readonly Digest64[]): Digest64 {
  return digest64OfText(digests.join(','));
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}
