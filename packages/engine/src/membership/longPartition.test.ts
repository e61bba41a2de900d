/**
 * A partition that lasts longer than T_cleanup heals (SPEC 1.6, tombstones.ts): each side declares
 * the other down and, 30 s later, removes it from its membership; once the network heals, gossip
 * probing the members removed while down finds them again, under every failure detector, and the
 * hints written for the other side during the partition are handed off. Control: without those
 * probes neither side sends the other anything again, and the cluster stays split for good.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanupTimeoutMs } from '../constants.ts';
import type { KvRequest } from '../index.ts';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { replicasFor } from '../ring/placement.ts';
import type { FailureDetectorKind } from '../scenario/types.ts';
import { Simulation } from '../simulation/simulation.ts';
import { Tombstones } from './tombstones.ts';

const nodes = nodeIds(5);
const minority = nodes.slice(0, 2);
const majority = nodes.slice(2);
const cutAt = 5_000;
const healAt = cutAt + 2 * cleanupTimeoutMs;
const endAt = healAt + 60_000;
const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);

const kv = (sim: Simulation, id: NodeId) => sim.node(id) as KvNode;
const heardAlive = (sim: Simulation, id: NodeId) =>
  kv(sim, id)
    .membership.snapshot(endAt)
    .filter((member) => member.status === 'alive')
    .map((member) => member.id);

/** n1, n2 | n3, n4, n5 for 60 s; the majority side takes 20 writes (with hints) once it removed the others. */
function longPartition(detector: FailureDetectorKind) {
  const members = nodes.map((id) => ({ id }));
  const config = { n: 3, antiEntropyIntervalMs: 0, members, detector };
  const sim = new Simulation({ seed: 11, nodes, createNode: createKvNode, config });
  let removed = 0;
  sim.onEvent((event) => {
    if (event.type === 'member.removed' && event.was === 'down') removed++;
  });
  sim.schedule(cutAt, 'partition', () => sim.network.partition(nodes, [minority, majority]));
  const acked: string[] = [];
  sim.schedule(healAt - 5_000, 'writes', () => {
    for (const key of keys) {
      const put = { type: 'put', requestId: key, key, value: new Uint8Array([7]), w: 2 } as KvRequest;
      sim.request('n3' as NodeId, put, (reply) => {
        if (reply.ok) acked.push(key);
      });
    }
  });
  sim.schedule(healAt, 'heal', () => sim.network.heal());
  sim.runUntil(endAt);
  // Each side removed the other (2 × 3 + 3 × 2 removals) before the heal.
  expect(removed).toBeGreaterThanOrEqual(12);
  return { sim, acked };
}

describe('a partition longer than T_cleanup', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const detector of ['gossip', 'local', 'phi'] as const) {
    it(`heals, and the hints reach their owners (${detector} detector)`, () => {
      const { sim, acked } = longPartition(detector);
      for (const id of nodes) expect(heardAlive(sim, id), `${id}'s members`).toEqual(nodes);
      expect(acked.sort()).toEqual([...keys].sort());
      const ring = kv(sim, nodes[0] as NodeId).rebalance.ring;
      for (const key of keys) {
        for (const replica of replicasFor(ring, key, 3).nodes) {
          const stored = kv(sim, replica).store.read(key);
          expect(Array.isArray(stored) && stored.length, `${key} on ${replica}`).toBe(1);
        }
      }
      for (const id of nodes) expect(kv(sim, id).handoff.hints.size, `${id}'s hints`).toBe(0);
    });
  }

  it('control: without probing the members removed while down, the cluster stays split', () => {
    vi.spyOn(Tombstones.prototype, 'unreachable').mockReturnValue([]);
    const { sim } = longPartition('gossip');
    expect(heardAlive(sim, 'n1' as NodeId)).toEqual(minority);
    expect(heardAlive(sim, 'n3' as NodeId)).toEqual(majority);
  });
});
