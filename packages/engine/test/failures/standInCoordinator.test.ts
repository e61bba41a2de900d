/**
 * A stand-in does not coordinate writes while a replica of the key is reachable. A coordinator
 * raises its dot past the counters it finds in its own stored siblings (versioning/newVersion.ts);
 * a stand-in keeps a key only as hints, and those are deleted once handed off. So a stand-in that
 * coordinated a blind put, handed it off, and later stood in again for the same key issued the
 * same dot to the next blind put: two different writes under one clock and dot, and replicas kept
 * one of them — an acknowledged write lost (P1). Found while tracing the wiped-coordinator bug
 * (wipedCoordinator.test.ts), which has the same root; now such a write goes to a live replica.
 *
 * When no replica of the key is reachable the stand-in still has to coordinate (sloppy quorums
 * stay writable). It then raises its node's counter floor past the dot it issued (coordinator.ts),
 * since the hint that records it will be handed off and forgotten: the next blind put through it
 * gets a new dot.
 */

import { describe, expect, it } from 'vitest';
import type { ClientReply } from '../../src/node/contract.ts';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk, KvCommand } from '../../src/replication/requests.ts';
import { extendedPreferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };
const key = 'contested';
const list = extendedPreferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3);
const replicas = list.nodes as NodeId[];
const standIn = list.fallbacks[0] as NodeId;

/**
 * Two blind puts of `key` through `standIn`, each while `cutOff` is partitioned from the rest long
 * enough to be believed down, each followed by the heal and the handoff; then the values an R=N
 * read of the key returns.
 */
function twoBlindPutsThroughTheStandIn(cutOff: readonly NodeId[]): string[] {
  const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config });
  let next = 0;
  const call = (via: NodeId, command: KvCommand): ClientReply => {
    let reply: ClientReply | null = null;
    sim.request(via, { ...command, requestId: `stand-in-${next++}` } as never, (r) => {
      reply = r;
    });
    for (let i = 0; reply === null && i < 100_000; i++) sim.step();
    if (reply === null) throw new Error(`no reply to ${command.type} ${key}`);
    return reply;
  };
  sim.runFor(3_000);
  for (const value of ['v1', 'v2']) {
    sim.network.partition(ids, [[...cutOff], ids.filter((id) => !cutOff.includes(id))]);
    sim.runFor(8_000);
    expect(call(standIn, { type: 'put', key, value: new TextEncoder().encode(value) }).ok).toBe(true);
    sim.network.heal();
    sim.runFor(15_000); // the hints are handed off and deleted
  }
  const read = call(replicas[0]!, { type: 'get', key, r: 3 }) as GetOk;
  return read.siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array())).sort();
}

describe('a stand-in for a down replica, twice, with a handoff between', () => {
  it('two blind puts through it stay two siblings (one replica away: a live replica coordinates)', () => {
    expect(twoBlindPutsThroughTheStandIn([replicas[2]!])).toEqual(['v1', 'v2']);
  });

  it('two blind puts through it stay two siblings (every replica away: the stand-in coordinates)', () => {
    expect(twoBlindPutsThroughTheStandIn(replicas)).toEqual(['v1', 'v2']);
  });
});
