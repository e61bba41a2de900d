/**
 * A forwarded write is coordinated once, however often the network delivers it. A node that does
 * not replicate a key forwards a put to a replica (Dynamo §4.5); a link that duplicates messages
 * (the T3 nemesis "20% loss, dup, reorder") delivered that `forward` twice, the replica coordinated
 * the put twice, and the key gained a second version of the same write under a clock no client was
 * ever given — a sibling P2 reports as invented (found by the kv variant of T3, seed 1).
 */

import { describe, expect, it } from 'vitest';
import type { ClientReply } from '../../src/node/contract.ts';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId } from '../../src/protocol/ids.ts';
import type { GetOk, KvCommand } from '../../src/replication/requests.ts';
import { preferenceList } from '../../src/ring/preferenceList.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import { blockingClient } from './blockingClient.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };

describe('a duplicated forward', () => {
  it('coordinates the write once: one version, not two siblings of the same put', () => {
    const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config });
    const key = 'forwarded';
    const replicas = preferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3).nodes;
    const via = ids.find((id) => !replicas.includes(id)) as NodeId;
    for (const to of ids) if (to !== via) sim.network.configureLink(via, to, { duplicate: 1 });
    const send = blockingClient(sim, 'dup');
    const call = (command: KvCommand): ClientReply => send(via, command);
    sim.runFor(3_000);
    expect(call({ type: 'put', key, value: new TextEncoder().encode('once'), w: 3 }).ok).toBe(true);
    sim.runFor(1_000); // the duplicate has arrived and been dealt with
    const read = call({ type: 'get', key, r: 3 }) as GetOk;
    expect(read.ok).toBe(true);
    expect(read.siblings.map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()))).toEqual(['once']);
  });
});
