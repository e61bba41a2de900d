/**
 * LOCAL_QUORUM and EACH_QUORUM on key-value nodes in the simulator, two data centres of three nodes
 * with { west: 2, east: 2 } replicas: with east cut off, LOCAL_QUORUM keeps serving in west from west
 * replicas only while EACH_QUORUM times out saying which data centre fell short; stand-ins for a
 * down replica come from its own data centre; a write is forwarded to a replica in the client's data
 * centre; LOCAL_QUORUM without data centres is QUORUM, and from a DC without replicas it is refused.
 */
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { kvConfigFrom } from '../node/kvConfig.ts';
import { createKvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { replicasFor } from '../ring/placement.ts';
import { buildRing, type RingMember } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import type { KvCommand, KvReply, KvRequest } from './requests.ts';

const west = ['w1', 'w2', 'w3'].map(nodeId);
const east = ['e1', 'e2', 'e3'].map(nodeId);
const all = [...west, ...east];
const members: RingMember[] = [
  ...west.map((id) => ({ id, dataCentre: 'west' })),
  ...east.map((id) => ({ id, dataCentre: 'east' })),
];
const placement = { west: 2, east: 2 };
const ring = buildRing(members);
const replicasOf = (key: string) => replicasFor(ring, key, placement);
const text = (s: string) => new TextEncoder().encode(s);
const decode = (v: Uint8Array | null) => (v === null ? null : new TextDecoder().decode(v));
const isWest = (id: string) => id.startsWith('w');
const keys = Array.from({ length: 50 }, (_, i) => `fruit-${i}`);

function cluster(config: Record<string, unknown> = {}, nodes: readonly RingMember[] = members) {
  const sim = new Simulation({
    seed: 7,
    nodes: nodes.map((m) => m.id),
    createNode: createKvNode,
    config: { members: nodes, replicationPerDc: placement, r: 'LOCAL_QUORUM', w: 'LOCAL_QUORUM', ...config },
  });
  const events: ClusterEvent[] = [];
  sim.onEvent((e) => events.push(e));
  let next = 0;
  const call = (node: NodeId, request: KvCommand): KvReply => {
    let reply: KvReply | undefined;
    const requestId = `c${next++}`;
    sim.request(node, { ...request, requestId } as KvRequest, (r) => {
      reply = r as KvReply;
    });
    sim.runFor(5_000);
    if (!reply) throw new Error(`no reply to ${requestId}`);
    return reply;
  };
  /** Cuts every link between the data centres, both ways (a DC outage as a partition). */
  const cutOffEast = () => {
    for (const a of west) {
      for (const b of east) {
        sim.network.cut(a, b);
        sim.network.cut(b, a);
      }
    }
  };
  return { sim, call, events, cutOffEast };
}

/** A west replica of `key` and the west node that is not one. */
function westRoles(key: string): { replica: NodeId; other: NodeId } {
  const replicas = replicasOf(key).byDataCentre?.west as NodeId[];
  return { replica: replicas[0] as NodeId, other: west.find((id) => !replicas.includes(id)) as NodeId };
}

describe('data-centre quorums in the simulator', () => {
  it('serves LOCAL_QUORUM with the remote data centre cut off, from local replicas only', () => {
    const { call, cutOffEast, sim } = cluster();
    cutOffEast();
    sim.runFor(15_000); // long enough for west to declare east down, and east west
    const { replica } = westRoles('apple');
    const put = call(replica, { type: 'put', key: 'apple', value: text('red') });
    expect(put).toMatchObject({ ok: true, type: 'put' });
    if (!put.ok || put.type === 'get') throw new Error('put failed');
    expect(put.ackedBy.every(isWest)).toBe(true);
    expect(put.ackedBy).toHaveLength(2);
    const get = call(west[2] as NodeId, { type: 'get', key: 'apple' });
    if (!get.ok || get.type !== 'get') throw new Error(`get failed: ${JSON.stringify(get)}`);
    expect(get.siblings.map((v) => decode(v.value))).toEqual(['red']);
    expect(get.answeredBy.every(isWest)).toBe(true);
    // The other side keeps serving its own clients the same way (both data centres stay up).
    const eastPut = call(replicasOf('pear').byDataCentre?.east?.[0] as NodeId, {
      type: 'put',
      key: 'pear',
      value: text('green'),
    });
    expect(eastPut.ok && eastPut.type !== 'get' && eastPut.ackedBy.every((id) => !isWest(id))).toBe(true);
  });

  it('times out EACH_QUORUM in the same situation, naming the data centre that fell short', () => {
    const { call, cutOffEast, sim } = cluster();
    const { replica } = westRoles('plum');
    const before = call(replica, { type: 'put', key: 'plum', value: text('one'), w: 'EACH_QUORUM' });
    expect(before.ok && before.type !== 'get' && before.ackedBy.filter((id) => !isWest(id)).length).toBe(2);
    cutOffEast();
    sim.runFor(15_000);
    const put = call(replica, { type: 'put', key: 'plum', value: text('two'), w: 'EACH_QUORUM' });
    expect(put).toMatchObject({ ok: false, outcome: 'info', error: { code: 'KV_TIMEOUT' } });
    if (put.ok) throw new Error('unexpected ok');
    expect(put.error.message).toContain('W=EACH_QUORUM: west 2 of 2 needed, east 0 of 2 needed');
    const get = call(replica, { type: 'get', key: 'plum', r: 'EACH_QUORUM' });
    expect(get).toMatchObject({ ok: false, outcome: 'fail', error: { code: 'KV_TIMEOUT' } });
    // LOCAL_QUORUM still reads the write EACH_QUORUM could not confirm: it is stored in west.
    const local = call(replica, { type: 'get', key: 'plum' });
    // (no context was passed, so the two puts are concurrent siblings)
    expect(local.ok && local.type === 'get' && local.siblings.map((v) => decode(v.value))).toContain('two');
  });

  it('takes a stand-in from the down replica’s own data centre', () => {
    const { call, events, sim } = cluster();
    // A key whose walk meets an east node before the west one that can stand in.
    const key = keys.find((k) => !isWest(replicasOf(k).fallbacks[0] as NodeId)) as string;
    const { other } = westRoles(key);
    const [down, up] = (replicasOf(key).byDataCentre?.west ?? []) as [NodeId, NodeId];
    sim.runFor(3_000); // gossip first: a node that crashes before anyone heard from it stays suspected
    sim.crash(down, 'process');
    sim.runFor(10_000);
    const put = call(up, { type: 'put', key, value: text('brown') });
    expect(put.ok, JSON.stringify(put)).toBe(true);
    const hints = events.filter((e) => e.type === 'hint.stored');
    expect(hints.map((e) => e.node)).toEqual([other]);
    expect(hints.map((e) => (e.type === 'hint.stored' ? e.owner : null))).toEqual([down]);
  });

  it('forwards a write to a replica in the client’s data centre', () => {
    const { call, events } = cluster();
    const { other } = westRoles('fig');
    const put = call(other, { type: 'put', key: 'fig', value: text('sweet') });
    expect(put.ok).toBe(true);
    const forwarded = events.find((e) => e.type === 'request.forwarded');
    expect(forwarded?.type === 'request.forwarded' && isWest(forwarded.to)).toBe(true);
    expect(isWest(put.coordinator)).toBe(true);
  });

  it('treats LOCAL_QUORUM as QUORUM without data centres', () => {
    const plain = all.map((id) => ({ id }));
    const { call, events } = cluster({ replicationPerDc: undefined, n: 3 }, plain);
    const owner = replicasFor(buildRing(plain), 'lime', 3).nodes[0] as NodeId;
    expect(call(owner, { type: 'put', key: 'lime', value: text('sour') }).ok).toBe(true);
    const started = events.find((e) => e.type === 'request.started');
    expect(started?.type === 'request.started' && started.needed).toBe(2);
  });

  it('refuses a node configuration whose N disagrees with its replicas per data centre', () => {
    const refused = kvConfigFrom({ members, n: 3, replicationPerDc: placement }, nodeId('w1'), []);
    expect(isKvError(refused) && refused.sentence).toBe('n=3 must equal the sum of replicationPerDc (4)');
    const config = kvConfigFrom({ members, replicationPerDc: placement }, nodeId('w1'), []);
    expect(!isKvError(config) && [config.n, config.placement]).toEqual([4, placement]);
  });

  it('refuses LOCAL_QUORUM from a data centre that holds no replicas', () => {
    const withSouth = [...members, { id: nodeId('s1'), dataCentre: 'south' }];
    const { call } = cluster({}, withSouth);
    expect(call(nodeId('s1'), { type: 'get', key: 'date' })).toMatchObject({
      ok: false,
      outcome: 'fail',
      error: { code: 'KV_QUORUM_IMPOSSIBLE' },
    });
    expect(call(nodeId('s1'), { type: 'get', key: 'date', r: 'QUORUM' }).ok).toBe(true);
  });
});
