/**
 * A stand-in does not coordinate writes while a replica of the key is reachable. A coordinator
 * raises its dot past the counters it finds in its own stored siblings (versioning/newVersion.ts);
 * a stand-in keeps a key only as hints, and those are deleted once handed off. So a stand-in that
 * coordinated a blind put, handed it off, and later stood in again for the same key issued the
 * same dot to the next blind put: two different writes under one clock and dot, and replicas kept
 * one of them — an acknowledged write lost (P1). Found while tracing the wiped-coordinator bug
 * (wipedCoordinator.test.ts), which has the same root; now such a write goes to a live replica.
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

describe('a stand-in for a down replica', () => {
  it('twice, with a handoff between: two blind puts through it stay two siblings', () => {
    const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config });
    const key = 'contested';
    const list = extendedPreferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3);
    const [first, , away] = list.nodes as NodeId[];
    const standIn = list.fallbacks[0] as NodeId;
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
    /** `away` cut off long enough to be believed down, a blind put through the stand-in, then the heal. */
    const blindPutWhileAway = (value: string) => {
      sim.network.partition(ids, [[away!], ids.filter((id) => id !== away)]);
      sim.runFor(8_000);
      expect(call(standIn, { type: 'put', key, value: new TextEncoder().encode(value) }).ok).toBe(true);
      sim.network.heal();
      sim.runFor(15_000); // the hint is handed off to `away` and deleted
    };
    sim.runFor(3_000);
    blindPutWhileAway('v1');
    blindPutWhileAway('v2');
    const read = call(first!, { type: 'get', key, r: 3 }) as GetOk;
    const values = read.siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()));
    expect(values.sort()).toEqual(['v1', 'v2']);
  });
});
