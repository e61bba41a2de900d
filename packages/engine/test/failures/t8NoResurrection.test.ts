/**
 * T8, no resurrected deletes (P9), on the simulator with the real nodes: a key is written to all
 * three replicas, one replica is cut off, the key is deleted (the tombstone reaches the other two
 * and a stand-in's hint), every node flushes and compacts its LSM, the partition heals; after a few
 * anti-entropy intervals no replica returns the value and a read with R=N sees no live sibling.
 * Then a write concurrent with a delete (both made from the same context) survives as a sibling.
 */

import { describe, expect, it } from 'vitest';
import { createKvNode, type KvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import type { VectorClock } from '../../src/versioning/vectorClock.ts';
import { seedsFor } from '../jepsen/harness.ts';
import { blockingClient } from './blockingClient.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = {
  members: ids.map((id) => ({ id })),
  virtualNodes: 8,
  n: 3,
  r: 2,
  w: 2,
  antiEntropyIntervalMs: 2_000,
};
const text = new TextEncoder();
const decode = (bytes: Uint8Array | null) => (bytes === null ? null : new TextDecoder().decode(bytes));

function cluster(seed: number) {
  const sim = new Simulation({ seed, nodes: ids, createNode: createKvNode, config });
  const call = blockingClient(sim, 't8');
  const live = (key: string, via: NodeId) => {
    const reply = call(via, { type: 'get', key, r: 3 }) as GetOk;
    expect(reply.ok).toBe(true);
    return {
      values: reply.siblings.map((s) => decode(s.value)).filter((v) => v !== null),
      context: reply.context,
    };
  };
  return { sim, call, live };
}

const ring = buildRing(config.members, { virtualNodes: 8 });
const replicasOf = (key: string) => preferenceList(ring, key, 3).nodes as NodeId[];

describe('T8 no resurrected deletes', () => {
  for (const seed of seedsFor([1, 2])) {
    it(`a delete made while a replica is away stays deleted after flush, compaction and heal (seed ${seed})`, () => {
      const { sim, call, live } = cluster(seed);
      const key = 'doomed';
      const [first, , away] = replicasOf(key) as [NodeId, NodeId, NodeId];
      sim.runFor(3_000);
      expect(call(first, { type: 'put', key, value: text.encode('v1'), w: 3 }).ok).toBe(true);
      const { context } = live(key, first);
      sim.network.partition(ids, [[away], ids.filter((id) => id !== away)]);
      sim.runFor(8_000); // past T_fail: the others believe `away` down and use a stand-in
      expect(call(first, { type: 'delete', key, context }).ok).toBe(true);
      for (const id of ids) {
        const node = sim.node(id) as KvNode;
        node.lsm.flush();
        node.lsm.compact();
      }
      sim.runFor(2_000);
      sim.network.heal();
      sim.runFor(20_000); // hints replayed, several anti-entropy rounds
      expect(live(key, first).values).toEqual([]);
      expect(live(key, away).values).toEqual([]);
      for (const id of replicasOf(key)) {
        const held = (sim.node(id) as KvNode).store.read(key);
        expect(Array.isArray(held) && held.every((v) => v.value === null), `${id} holds ${key} live`).toBe(
          true,
        );
      }
    });

    it(`a write concurrent with a delete survives as a sibling (seed ${seed})`, () => {
      const { sim, call, live } = cluster(seed);
      const key = 'contested';
      const [first, second] = replicasOf(key) as [NodeId, NodeId];
      sim.runFor(3_000);
      expect(call(first, { type: 'put', key, value: text.encode('v1') }).ok).toBe(true);
      const seen: VectorClock = live(key, first).context;
      expect(call(first, { type: 'delete', key, context: seen }).ok).toBe(true);
      expect(call(second, { type: 'put', key, value: text.encode('v2'), context: seen }).ok).toBe(true);
      sim.runFor(10_000);
      expect(live(key, first).values).toEqual(['v2']);
    });
  }
});
