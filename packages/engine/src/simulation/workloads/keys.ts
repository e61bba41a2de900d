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

export function uniformKeys(count: number, rng: Rng): KeyChooser {
  return () => keyName(rng.int(count));
}

/** Zipf(1) over `count` keys by inverse transform on the cumulative weights (a binary search). */
export function zipfKeys(count: number, rng: Rng): KeyChooser {
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    total += 1 / (i + 1);
    cumulative[i] = total;
  }
  return () => {
    const target = rng.float() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) <= target) lo = mid + 1;
      else hi = mid;
    }
    return keyName(lo);
  };
}
