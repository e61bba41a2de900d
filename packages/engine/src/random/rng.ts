/**
 * Seeded randomness (DESIGN.md rule 2). One seed drives a run; each subsystem draws from its own
 * stream, derived by name with `fork`, so adding a random choice in one subsystem does not shift the
 * choices of another (network latencies stay the same when the workload changes, and so on).
 *
 * Generator: xoshiro128** (Blackman & Vigna), seeded through splitmix32. Fast, 32-bit, and
 * well-distributed enough for simulation; not for cryptography.
 */

import { ln } from '../portableMath.ts';

function splitmix32(state: number): [value: number, next: number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
}

/** FNV-1a over a string's UTF-16 code units: used only to turn a fork label into seed material. */
function labelHash(label: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * `seed` is any integer (its low 32 bits matter); `path` names the stream ('' for the root,
   * 'network/latency' for a fork of a fork). A stream depends on the seed and its path only, never on
   * how much its parent has drawn.
   */
  constructor(
    readonly seed: number,
    readonly path = '',
  ) {
    let state = (seed ^ Math.imul(labelHash(path), 0x27d4eb2d)) | 0;
    [this.s0, state] = splitmix32(state);
    [this.s1, state] = splitmix32(state);
    [this.s2, state] = splitmix32(state);
    [this.s3, state] = splitmix32(state);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A child stream named `label`: the same parent seed and label always give the same stream. */
  fork(label: string): Rng {
    return new Rng(this.seed, this.path === '' ? label : `${this.path}/${label}`);
  }

  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`int(n) needs a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max] inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && this.float() < p;
  }

  /** Exponentially distributed with the given mean (inverse transform). */
  exponential(mean: number): number {
    return -mean * ln(1 - this.float()); // portable: the same latency in Node and in the browser
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A new array with the items in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** Up to `count` distinct items chosen at random. */
  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, count));
  }
}
