/**
 * The request trace's stand-ins come from the engine (SPEC §2: "which were stand-ins holding
 * hints"): a coordinator that takes a healthy fallback in place of a replica it believes down says
 * so in its `request.started` event — stand-in → the replica it holds the hint for — and in its
 * reply, for the stand-ins among those that acknowledged or answered; and says nothing of the kind
 * when every replica answers for itself.
 */

import { describe, expect, it } from 'vitest';
import type { ClientReply } from '../node/contract.ts';
import { createKvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { extendedPreferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import type { KvRequest } from './requests.ts';

const ids = ['n1', 'n2', 'n3', 'n4', 'n5'].map(nodeId);
const config = { members: ids.map((id) => ({ id })), virtualNodes: 8, n: 3, r: 2, w: 2 };
const key = 'traced';
const list = extendedPreferenceList(buildRing(config.members, { virtualNodes: 8 }), key, 3);
const [first, second] = list.nodes as [NodeId, NodeId, NodeId];

describe('stand-ins in the request trace', () => {
  it('names each stand-in and the replica it stands in for', () => {
    const sim = new Simulation({ seed: 3, nodes: ids, createNode: createKvNode, config });
    const started: ClusterEvent[] = [];
    sim.onEvent((e) => {
      if (e.type === 'request.started') started.push(e);
    });
    const replies = new Map<string, ClientReply>();
    const send = (request: KvRequest) => {
      sim.request(first, request, (reply) => replies.set(request.requestId, reply));
      for (let i = 0; !replies.has(request.requestId) && i < 100_000; i++) sim.step();
      return replies.get(request.requestId);
    };
    const put = (requestId: string) => {
      send({ type: 'put', key, value: new Uint8Array([1]), requestId });
      return started.find((e) => e.type === 'request.started' && e.requestId === requestId);
    };
    sim.runFor(3_000);
    expect(put('all-up')).not.toHaveProperty('standIns');
    expect(replies.get('all-up')).not.toHaveProperty('standIns');
    // Cut the second replica off until the coordinator believes it down.
    sim.network.partition(ids, [[second], ids.filter((id) => id !== second)]);
    sim.runFor(10_000);
    const event = put('one-down');
    const standIns = event?.type === 'request.started' ? (event.standIns ?? {}) : {};
    expect(Object.values(standIns)).toEqual([second]);
    const standIn = Object.keys(standIns)[0] as NodeId;
    expect(list.fallbacks).toContain(standIn);
    expect(event?.type === 'request.started' && event.replicas).toContain(standIn);
    // The client hears it too, so it can tell why a node that is none of the key's replicas acked.
    const reply = replies.get('one-down');
    const acked = reply?.ok && reply.type === 'put' ? reply : null;
    expect(acked?.ackedBy).toContain(standIn);
    expect(acked?.standIns).toEqual({ [standIn]: second });
    const read = send({ type: 'get', key, requestId: 'read', r: 3 });
    expect(read?.ok && read.type === 'get' && read.standIns).toEqual({ [standIn]: second });
  });
});
