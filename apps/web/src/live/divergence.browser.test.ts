/**
 * Replica divergence (divergence.ts): a key is diverged when two of its replicas that could be read
 * hold different versions (a replica without the key differs from one with it); replicas that
 * could not be read are left out, and a key with fewer than two readable replicas is not judged.
 */

import { type NodeId, type Version, vectorClock } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { divergedShare, type Holdings, versionsText } from './divergence.ts';

const [n1, n2, n3] = ['n1', 'n2', 'n3'] as NodeId[] as [NodeId, NodeId, NodeId];
const version = (entries: Record<string, number>): Version => ({
  clock: vectorClock(
    Object.entries(entries).map(([node, counter]) => ({ node: node as NodeId, counter, timestamp: 0 })),
  ),
  value: new Uint8Array([1]),
  timestamp: 0,
});
const holdings = (texts: Record<string, string | null>): Holdings =>
  new Map(Object.entries(texts) as [NodeId, string | null][]);

describe('replica divergence', () => {
  it('gives the same text for the same versions in any order, and another for other versions', () => {
    const a = version({ n1: 2 });
    const b = version({ n2: 1, n1: 1 });
    expect(versionsText([a, b])).toBe(versionsText([b, a]));
    expect(versionsText([a])).not.toBe(versionsText([a, b]));
    expect(versionsText([])).toBe('');
  });

  it('counts the keys whose readable replicas disagree among those it can judge', () => {
    const same = versionsText([version({ n1: 1 })]);
    const newer = versionsText([version({ n1: 2 })]);
    expect(
      divergedShare([
        holdings({ [n1]: same, [n2]: same, [n3]: same }),
        holdings({ [n1]: same, [n2]: newer, [n3]: newer }), // one replica missed a write
        holdings({ [n1]: same, [n2]: '', [n3]: null }), // n2 has no copy; n3 is down
        holdings({ [n1]: same, [n2]: null, [n3]: null }), // one readable replica: not judged
      ]),
    ).toBeCloseTo(2 / 3);
    expect(divergedShare([holdings({ [n1]: same, [n2]: null })])).toBeNull();
  });
});
