/**
 * Stray keys (strayKeys.ts): the keys a node holds that nothing else claims are grouped by token
 * arc, each group bound for its arc's first replica other than the node itself. And end to end: a
 * coordinator still on the ring before a join writes a key to an old replica that the join took it
 * from; that replica notices when it stores the key (nodeRebalance.ts `onStored`), hands it to a
 * current replica and deletes its copy. Control: without that check the copy stays there for ever.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { rangeOfKey, sameRange } from '../antiEntropy/ranges.ts';
import type { KvRequest } from '../index.ts';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import { NodeRebalance } from './nodeRebalance.ts';
import { strayHandovers } from './strayKeys.ts';

const ring = buildRing(
  (['n1', 'n2', 'n3', 'n4', 'n5'] as NodeId[]).map((id) => ({ id })),
  { virtualNodes: 8 },
);
const self = 'n1' as NodeId;
const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
const stored = keys.map((key): [string, unknown] => [key, null]);
const replicaOf = (key: string) => preferenceList(ring, key, 3).nodes.includes(self);

describe('strayHandovers', () => {
  it('hands each key no one claims to the first other replica of its arc, one group per arc', () => {
    const handovers = strayHandovers(stored, ring, 3, self, replicaOf);
    const strays = keys.filter((key) => !replicaOf(key));
    expect(handovers.flatMap((h) => h.keys).sort()).toEqual(strays.sort());
    for (const { to, range, keys: group } of handovers) {
      expect(to).not.toBe(self);
      for (const key of group) {
        expect(sameRange(rangeOfKey(ring, key), range)).toBe(true);
        expect(preferenceList(ring, key, 3).nodes[0]).toBe(to); // n1 is not on the list, so the primary
      }
    }
    const arcs = handovers.map((h) => `${h.range.start}-${h.range.end}`);
    expect(new Set(arcs).size).toBe(arcs.length);
  });

  it('finds nothing when every key is claimed, and skips a key hinted or handed over already', () => {
    expect(strayHandovers(stored, ring, 3, self, () => true)).toEqual([]);
    const claimed = new Set(['k3', 'k4']);
    const handovers = strayHandovers(stored, ring, 3, self, (key) => replicaOf(key) || claimed.has(key));
    const found = handovers.flatMap((h) => h.keys);
    expect(found).not.toContain('k3');
    expect(found).not.toContain('k4');
  });

  it('passes over a key whose replicas are this node alone (N = 1 on its arc, nowhere to hand it)', () => {
    const lone = buildRing([{ id: self }], { virtualNodes: 2 });
    expect(strayHandovers(stored, lone, 3, self, () => false)).toEqual([]);
  });
});

describe('a key stored by a coordinator on an older ring', () => {
  afterEach(() => vi.restoreAllMocks());

  /**
   * n6 joins n1…n5 at 2 s. The moment its ranges are in, every link into one coordinator is cut,
   * so that node never hears n6 announce itself and stays on the old ring. At 40 s, when the old
   * owners no longer forward to n6 (rangeForwardGraceMs), it writes a key whose list it is on, on
   * both rings, beside an old replica that the join took the key from: that replica stores the key,
   * though it no longer replicates it, and no hand-over covers it. Runs to 100 s.
   */
  function staleCoordinatorWrites() {
    const before = nodeIds(5);
    const members = before.map((id) => ({ id }));
    const grown = [...members, { id: 'n6' as NodeId }];
    const listOn = (list: typeof members, key: string) =>
      preferenceList(buildRing(list, { virtualNodes: 8 }), key, 3).nodes;
    const { coordinator, key, oldReplica } =
      Array.from({ length: 500 }, (_, i) => `k${i}`)
        .map((key) => {
          const [old, now] = [listOn(members, key), listOn(grown, key)];
          const coordinator = old.find((id) => now.includes(id));
          const oldReplica = old.find((id) => !now.includes(id));
          return { coordinator, key, oldReplica };
        })
        .find((c) => c.coordinator && c.oldReplica) ?? expect.unreachable('no such key');
    if (!coordinator || !oldReplica) throw new Error('no such key');
    const sim = new Simulation({
      seed: 3,
      nodes: before,
      createNode: createKvNode,
      config: { n: 3, quorum: 'sloppy', antiEntropyIntervalMs: 0, members },
    });
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => {
      if (e.type === 'range.strays' || e.type === 'range.cleaned') events.push(e);
      if (e.type === 'rebalance.finished' && e.node === 'n6')
        for (const id of [...before, 'n6' as NodeId])
          if (id !== coordinator) sim.network.cut(id, coordinator);
    });
    sim.schedule(2_000, 'join n6', () => sim.addNode('n6' as NodeId, { join: true, members: grown }));
    const put = { type: 'put', requestId: 'p', key, value: new Uint8Array([7]), w: 1 } as KvRequest;
    sim.schedule(40_000, 'stale put', () => sim.request(coordinator, put, () => {}));
    const holds = (id: string) =>
      [...(sim.node(id as NodeId) as KvNode).store.entries()].some(([k]) => k === key);
    sim.runUntil(40_500);
    expect(idsOf(sim, coordinator)).not.toContain('n6');
    expect(idsOf(sim, oldReplica)).toContain('n6');
    expect(holds(oldReplica)).toBe(true);
    sim.runUntil(100_000);
    return { events, holds, oldReplica, newList: listOn(grown, key).filter((id) => id !== coordinator) };
  }

  const idsOf = (sim: Simulation, id: string) =>
    (sim.node(id as NodeId) as KvNode).rebalance.ring.nodes.map((n) => n.id);

  it('is handed to a current replica by the old replica that stored it, which then deletes it', () => {
    const { events, holds, oldReplica, newList } = staleCoordinatorWrites();
    expect(events.some((e) => e.type === 'range.strays' && e.node === oldReplica)).toBe(true);
    expect(events.some((e) => e.type === 'range.cleaned' && e.node === oldReplica)).toBe(true);
    expect(holds(oldReplica)).toBe(false);
    expect(newList.some(holds)).toBe(true);
  });

  it('control: without the check on store, the copy stays on the old replica for ever', () => {
    const onStored = NodeRebalance.prototype.onStored;
    vi.spyOn(NodeRebalance.prototype, 'onStored').mockImplementation(function (this: NodeRebalance, ...args) {
      const self = this as unknown as { strayCheckAt: number | null };
      const before = self.strayCheckAt;
      onStored.apply(this, args);
      self.strayCheckAt = before; // everything onStored does but look for strays
    });
    const { holds, oldReplica } = staleCoordinatorWrites();
    expect(holds(oldReplica)).toBe(true);
  });
});
