import { describe, expect, it } from 'vitest';
import { checkBoundedSiblings } from './boundedSiblings.ts';
import { Script } from './testing/histories.ts';

describe('checkBoundedSiblings (P7)', () => {
  it('passes two truly concurrent blind writes returned as two siblings', () => {
    const s = new Script()
      .put(1, 'k', 'x', { n1: 1 })
      .put(2, 'k', 'y', { n2: 1 })
      .get(3, 'k', [
        { value: 'x', clock: { n1: 1 } },
        { value: 'y', clock: { n2: 1 } },
      ]);
    const result = checkBoundedSiblings(s.ops);
    expect({ valid: result.valid, counts: result.counts }).toEqual({
      valid: true,
      counts: { reads: 1, siblingsMax: 2, boundMax: 2, falseConflicts: 0 },
    });
  });

  it('negative control: one client reading and writing back in turn must never see two siblings', () => {
    // A coordinator that ignores the context (clock {n2:1} instead of {n1:1, n2:1}) makes a false conflict.
    const s = new Script()
      .put(1, 'k', 'x', { n1: 1 })
      .get(1, 'k', [{ value: 'x', clock: { n1: 1 } }])
      .put(1, 'k', 'y', { n2: 1 }, { n1: 1 })
      .get(1, 'k', [
        { value: 'x', clock: { n1: 1 } },
        { value: 'y', clock: { n2: 1 } },
      ]);
    const result = checkBoundedSiblings(s.ops);
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.rule).sort()).toEqual(['causal-siblings', 'sibling-bound']);
    expect(result.counts.boundMax).toBe(1);
  });
});
