import { describe, expect, it } from 'vitest';
import { Rng } from './rng.ts';

describe('Rng', () => {
  it('gives the same stream for the same seed and a different one for another seed', () => {
    const draw = (seed: number) =>
      Array.from(
        { length: 8 },
        (() => {
          const r = new Rng(seed);
          return () => r.nextUint32();
        })(),
      );
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
  });

  it('forks streams that depend on the path only, not on how much the parent drew', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    for (let i = 0; i < 100; i++) b.nextUint32();
    expect(a.fork('network').nextUint32()).toBe(b.fork('network').nextUint32());
    expect(a.fork('network').nextUint32()).not.toBe(a.fork('workload').nextUint32());
    expect(a.fork('x').fork('y').path).toBe('x/y');
  });

  it('draws uniform floats in [0, 1) with a sensible mean', () => {
    const rng = new Rng(3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = rng.float();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(sum / 20_000).toBeCloseTo(0.5, 1);
  });

  it('samples exponential delays with the requested mean', () => {
    const rng = new Rng(11);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) sum += rng.exponential(5);
    expect(sum / 20_000).toBeGreaterThan(4.7);
    expect(sum / 20_000).toBeLessThan(5.3);
  });

  it('refuses int() of a non-positive bound', () => {
    expect(() => new Rng(1).int(0)).toThrow(RangeError);
  });
});
