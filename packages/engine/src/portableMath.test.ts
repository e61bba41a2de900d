/**
 * The portable ln/exp (portableMath.ts): close to Math's everywhere (a few ulps), exact where the
 * answer is, and pinned to their bits on a few inputs, so a change to the algorithm — which would
 * change every simulated latency and so every history — is noticed. That they agree across engines
 * is checked end to end: the lab's Runs tab gives the trace hash Node gives (apps/web/e2e/runs.spec.ts).
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exp, ln, log10 } from './portableMath.ts';

const close = (a: number, b: number) => Math.abs(a - b) <= 4 * Number.EPSILON * Math.max(1, Math.abs(b));

describe('portable ln and exp', () => {
  it('agree with Math.log and Math.exp to a few ulps', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (x) => close(ln(x), Math.log(x))),
      { numRuns: 5_000 },
    );
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
        const relative = Math.abs(exp(x) - Math.exp(x)) / Math.exp(x);
        return relative <= 8 * Number.EPSILON;
      }),
      { numRuns: 5_000 },
    );
    for (const u of [1e-12, 0.001, 0.25, 0.5, 0.999999])
      expect(close(ln(1 - u), Math.log(1 - u)), `ln(${1 - u})`).toBe(true);
  });

  it('are exact where the answer is, and handle the edges', () => {
    expect([ln(1), exp(0), ln(0), ln(-1), ln(Number.POSITIVE_INFINITY)]).toEqual([
      0,
      1,
      Number.NEGATIVE_INFINITY,
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ]);
    expect([exp(-800), exp(800)]).toEqual([0, Number.POSITIVE_INFINITY]);
    expect(close(log10(1000), 3)).toBe(true);
    expect(close(ln(5e-324), Math.log(5e-324))).toBe(true); // the smallest subnormal
  });

  it('give these bits, whatever the engine', () => {
    expect([ln(0.3), ln(7.25), exp(-1.7), exp(3.1), log10(0.02)]).toEqual([
      -1.2039728043259361, 1.9810014688665833, 0.1826835240527347, 22.197951281441636, -1.6989700043360185,
    ]);
  });
});
