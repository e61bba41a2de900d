/**
 * The trace hash tells two runs apart by any difference in what happened when: a field's text, the
 * split between fields, the time (to the last bit of the float) and the order of records.
 */
import { describe, expect, it } from 'vitest';
import { TraceHash } from './traceHash.ts';

const hashOf = (records: [number, string, string, string, number | string, string][]) => {
  const trace = new TraceHash();
  for (const r of records) trace.addFields(...r);
  return trace.hex();
};

describe('TraceHash', () => {
  const base: [number, string, string, string, number, string] = [12.5, 'd', 'n1', 'n2', 7, 'replica-put'];

  it('is the same for the same records, and differs when any field, split, time or order differs', () => {
    expect(hashOf([base])).toBe(hashOf([[...base]]));
    const variants: [number, string, string, string, number | string, string][] = [
      [12.5 + 2 ** -40, 'd', 'n1', 'n2', 7, 'replica-put'],
      [12.5, 'w', 'n1', 'n2', 7, 'replica-put'],
      [12.5, 'd', 'n1n', '2', 7, 'replica-put'],
      [12.5, 'd', 'n1', 'n2', 8, 'replica-put'],
      [12.5, 'd', 'n1', 'n2', '7', 'replica-put'],
      [12.5, 'd', 'n1', 'n2', 7, 'replica-get'],
    ];
    const hashes = new Set([hashOf([base]), ...variants.map((v) => hashOf([v]))]);
    expect(hashes.size).toBe(variants.length + 1);
    const other: [number, string, string, string, number, string] = [13, 'w', 'n3', '', 0, ''];
    expect(hashOf([base, other])).not.toBe(hashOf([other, base]));
  });
});
