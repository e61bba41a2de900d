import { describe, expect, it } from 'vitest';
import type { ReplicaStates } from './checker.ts';
import { checkConvergence } from './convergence.ts';

const a = { value: 'a', clock: { n1: 1 } };
const b = { value: 'b', clock: { n2: 1 } };
const replicasOf = () => ['n1', 'n2', 'n3'];
const none = { n1: 0, n2: 0, n3: 0, n4: 0 };

function check(finalState: ReplicaStates, hintsLeft: Record<string, number> = none, down: string[] = []) {
  return checkConvergence({ finalState, replicasOf, hintsLeft, down });
}

describe('P3 convergence checker', () => {
  it('accepts replicas holding the same siblings in any order', () => {
    const result = check({ n1: { k: [a, b] }, n2: { k: [b, a] }, n3: { k: [a, b] }, n4: {} });
    expect(result.valid).toBe(true);
    expect(result.promised).toBe(true);
    expect(result.counts).toMatchObject({ keys: 1, keysDiverged: 0 });
  });

  it('flags a replica that holds a different set, or nothing (negative control)', () => {
    const differs = check({ n1: { k: [a, b] }, n2: { k: [a] }, n3: { k: [a, b] }, n4: {} });
    expect(differs.valid).toBe(false);
    expect(differs.violations[0]?.rule).toBe('diverged');
    const missing = check({ n1: { k: [a] }, n2: { k: [a] }, n3: {}, n4: {} });
    expect(missing.counts.keysDiverged).toBe(1);
    expect(missing.violations[0]?.explanation).toContain('n3: 0');
  });

  it('flags a key left on a node outside its preference list, and hints never handed off', () => {
    const result = check(
      { n1: { k: [a] }, n2: { k: [a] }, n3: { k: [a] }, n4: { k: [a] } },
      { ...none, n4: 2 },
    );
    expect(result.valid).toBe(false);
    expect(result.violations.map((v) => v.rule)).toEqual(['outside-preference-list', 'hints-left']);
    expect(result.counts).toMatchObject({ keysOutsidePreferenceList: 1, hintsLeft: 2 });
  });

  it('is not promised while a node is down at the end', () => {
    const result = check({ n1: { k: [a] }, n2: { k: [a] }, n3: {}, n4: {} }, none, ['n3']);
    expect(result.valid).toBe(false);
    expect(result.promised).toBe(false);
  });
});
