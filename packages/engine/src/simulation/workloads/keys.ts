/**
 * Key choice for the kv workload: `k1` … `kN`, uniformly or by a Zipf law (exponent 1: the i-th most
 * popular key is asked for in proportion to 1/i), which is how real key popularity tends to look and
 * what makes hot keys, siblings and read repair visible in the lab.
 */

import type { Rng } from '../../random/rng.ts';

export type KeyChooser = () => string;

export function keyName(i: number): string {
  return `k${i + 1}`;
}

/** The names `keyNames` built last (every client of a run asks for the same count). */
let lastNames: readonly string[] = [];

/**
 * The names of keys 0 … count − 1, built once: a run names the same keys thousands of times, and
 * one string per key also lets every map keyed by it (the node's, the checkers') hash it once.
 */
export function keyNames(count: number): readonly string[] {
  if (lastNames.length !== count) lastNames = Array.from({ length: count }, (_, i) => keyName(i));
  return lastNames;
}

export function uniformKeys(count: number, rng: Rng): KeyChooser {
  const names = keyNames(count);
  return () => names[rng.int(count)] as string;
}

/** Zipf(1) over `count` keys by inverse transform on the cumulative weights (a binary search). */
export function zipfKeys(count: number, rng: Rng): KeyChooser {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += 1 / (i + 1);
    cumulative[i] = total;
  }
  const names = keyNames(count);
  return () => {
    const target = rng.float() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) <= target) lo = mid + 1;
      else hi = mid;
    }
    return names[lo] as string;
  };
}
