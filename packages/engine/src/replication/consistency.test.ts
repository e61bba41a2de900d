/**
 * Consistency levels resolved against a placement: counts over all N for ONE/QUORUM/ALL/numbers,
 * per data centre for LOCAL_QUORUM and EACH_QUORUM, QUORUM for both without data centres, and a
 * refusal for LOCAL_QUORUM where the coordinator's data centre holds no replicas.
 */
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { describeQuorum, type QuorumRule, quorumMet, quorumReachable, quorumRule } from './consistency.ts';

const placement = { west: 3, east: 2 };
const dcOf = (node: NodeId) => (node.startsWith('w') ? 'west' : node.startsWith('e') ? 'east' : undefined);
const nodes = (...ids: string[]) => ids.map(nodeId);

function rule(
  level: Parameters<typeof quorumRule>[1],
  local = 'west',
  where: typeof placement | number = placement,
) {
  const resolved = quorumRule('W', level, where, local);
  if (isKvError(resolved)) throw resolved;
  return resolved;
}

describe('quorum rules', () => {
  it('counts ONE, QUORUM, ALL and numbers over all N = Σ N_dc', () => {
    expect(rule('ONE')).toMatchObject({ needed: 1, perDataCentre: null });
    expect(rule('QUORUM')).toMatchObject({ needed: 3, perDataCentre: null });
    expect(rule('ALL')).toMatchObject({ needed: 5, perDataCentre: null });
    expect(rule(4)).toMatchObject({ needed: 4, perDataCentre: null });
    const tooMany = quorumRule('W', 6, placement, 'west');
    expect(isKvError(tooMany) && tooMany.code).toBe('KV_QUORUM_IMPOSSIBLE');
  });

  it('needs a majority of the local data centre for LOCAL_QUORUM, of every one for EACH_QUORUM', () => {
    expect(rule('LOCAL_QUORUM', 'west')).toMatchObject({ needed: 2, perDataCentre: { west: 2 } });
    expect(rule('LOCAL_QUORUM', 'east')).toMatchObject({ needed: 2, perDataCentre: { east: 2 } });
    expect(rule('EACH_QUORUM')).toMatchObject({ needed: 4, perDataCentre: { west: 2, east: 2 } });
  });

  it('treats LOCAL_QUORUM and EACH_QUORUM as QUORUM without data centres (Cassandra, SimpleStrategy)', () => {
    expect(rule('LOCAL_QUORUM', 'west', 5)).toMatchObject({ needed: 3, perDataCentre: null });
    expect(rule('EACH_QUORUM', 'west', 5)).toMatchObject({ needed: 3, perDataCentre: null });
  });

  it('refuses LOCAL_QUORUM from a data centre that holds no replicas', () => {
    const refused = quorumRule('R', 'LOCAL_QUORUM', placement, 'south');
    expect(isKvError(refused) && refused.code).toBe('KV_QUORUM_IMPOSSIBLE');
    expect(isKvError(refused) && refused.sentence).toContain('data centre south holds none');
  });
});

describe('counting answers', () => {
  const local: QuorumRule = rule('LOCAL_QUORUM', 'west');
  const each: QuorumRule = rule('EACH_QUORUM');

  it('does not count remote answers towards LOCAL_QUORUM', () => {
    expect(quorumMet(local, nodes('w1', 'e1', 'e2'), dcOf)).toBe(false);
    expect(quorumMet(local, nodes('w1', 'w3'), dcOf)).toBe(true);
  });

  it('needs every data centre for EACH_QUORUM', () => {
    expect(quorumMet(each, nodes('w1', 'w2', 'w3', 'e1'), dcOf)).toBe(false);
    expect(quorumMet(each, nodes('w1', 'w2', 'e1', 'e2'), dcOf)).toBe(true);
    expect(describeQuorum('W', each, nodes('w1', 'w2'), dcOf)).toBe(
      'W=EACH_QUORUM: west 2 of 2 needed, east 0 of 2 needed',
    );
  });

  it('knows when refusals make the quorum unreachable', () => {
    const targets = nodes('w1', 'w2', 'w3', 'e1', 'e2');
    expect(quorumReachable(each, targets, nodes('e1'), dcOf)).toBe(false);
    expect(quorumReachable(each, targets, nodes('w1'), dcOf)).toBe(true);
    expect(quorumReachable(local, targets, nodes('e1', 'e2', 'w1'), dcOf)).toBe(true);
    expect(quorumReachable(rule('QUORUM'), targets, nodes('e1', 'e2', 'w1'), dcOf)).toBe(false);
  });
});
