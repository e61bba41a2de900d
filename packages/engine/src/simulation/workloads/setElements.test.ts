import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeElements, encodeElements, unionOfElements } from './setElements.ts';

describe('set elements as bitmaps', () => {
  const arbSet = fc.array(fc.nat(300), { maxLength: 40 });

  it('round-trips any set of elements, ascending and once each', () => {
    fc.assert(
      fc.property(arbSet, (elements) => {
        expect(decodeElements(encodeElements(elements))).toEqual(
          [...new Set(elements)].sort((a, b) => a - b),
        );
      }),
    );
  });

  it('unions bitmaps (tombstones included) into the bytes encodeElements makes of the union', () => {
    fc.assert(
      fc.property(fc.array(fc.option(arbSet), { maxLength: 5 }), fc.option(fc.nat(300)), (sets, extra) => {
        const union = sets.flatMap((set) => set ?? []);
        if (extra !== null) union.push(extra);
        const bitmaps = sets.map((set) => (set === null ? null : encodeElements(set)));
        expect(unionOfElements(bitmaps, extra ?? undefined)).toEqual(encodeElements(union));
      }),
    );
  });
});
