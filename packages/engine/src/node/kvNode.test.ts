/**
 * The key-value node in the simulator: quorum writes and reads, siblings for concurrent writes, a
 * merge that resolves them, forwarding of writes, timeouts that say how many answered, bad input
 * refused before anything is sent, read repair, data that survives a crash, and the operator's
 * flush and compaction (a full disk reported, the node still serving).
 */
import { describe, expect, it } from 'vitest';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import type { KvCommand, KvReply, KvRequest } from '../replication/requests.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { createKvNode, type KvNode } from './kvNode.ts';

const ids = nodeIds(5);
const text = (s: string) => new TextEncoder().encode(s);
const decode = (v: Uint8Array | null) => (v === null ? null : new TextDecoder().decode(v));

function cluster(seed = 1, config: Record<string, unknown> = {}) {
  const sim = new Simulation({
    seed,
    nodes: ids,
    createNode: createKvNode,
    config: { n: 3, r: 2, w: 2, ...config },
  });
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
  return { sim, call };
}

const replicasOf = (key: string) => preferenceList(buildRing(ids.map((id) => ({ id }))), key, 3).nodes;
const outsider = (key: string) => ids.find((id) => !replicasOf(key).includes(id)) as NodeId;

describe('KvNode', () => {
  it('writes with W=2 and reads back what it wrote', () => {
    const { call } = cluster();
    const [coordinator] = replicasOf('apple');
    const put = call(coordinator as NodeId, { type: 'put', key: 'apple', value: text('red') });
    expect(put).toMatchObject({ ok: true, type: 'put' });
    if (!put.ok || put.type === 'get') throw new Error('put failed');
    expect(put.ackedBy.length).toBeGreaterThanOrEqual(2);
    const get = call(ids[4] as NodeId, { type: 'get', key: 'apple' });
    expect(get.ok && get.type === 'get' && get.siblings.map((v) => decode(v.value))).toEqual(['red']);
  });

  it('keeps concurrent writes as siblings and lets a merge with their context replace them', () => {
    const { call } = cluster();
    const [a, b] = replicasOf('pear') as [NodeId, NodeId];
    call(a, { type: 'put', key: 'pear', value: text('green') });
    call(b, { type: 'put', key: 'pear', value: text('yellow') });
    const both = call(a, { type: 'get', key: 'pear', r: 3 });
    if (!both.ok || both.type !== 'get') throw new Error('get failed');
    expect(both.siblings.map((v) => decode(v.value)).sort()).toEqual(['green', 'yellow']);
    call(a, { type: 'put', key: 'pear', value: text('green+yellow'), context: both.context });
    const merged = call(b, { type: 'get', key: 'pear', r: 3 });
    expect(merged.ok && merged.type === 'get' && merged.siblings.map((v) => decode(v.value))).toEqual([
      'green+yellow',
    ]);
  });

  it('forwards a write from a node outside the preference list to a replica', () => {
    const { sim, call } = cluster();
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    const put = call(outsider('plum'), { type: 'put', key: 'plum', value: text('purple') });
    expect(put.ok).toBe(true);
    expect(replicasOf('plum')).toContain(put.coordinator);
    expect(events.some((e) => e.type === 'request.forwarded')).toBe(true);
  });

  it('tells when a forward goes unanswered: an event for the trace and a sentence in whole ms', () => {
    const { sim, call } = cluster();
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    // The first replica crashed a moment ago: nobody suspects it yet, so the forward goes to it.
    const [first] = replicasOf('plum') as [NodeId];
    sim.crash(first);
    const put = call(outsider('plum'), { type: 'put', key: 'plum', value: text('purple') });
    expect(put).toMatchObject({ ok: false, outcome: 'info', error: { code: 'KV_TIMEOUT' } });
    const expired = events.find((e) => e.type === 'request.forward-expired');
    expect(expired).toMatchObject({ node: outsider('plum'), to: first, op: 'put', key: 'plum' });
    if (put.ok || expired?.type !== 'request.forward-expired') throw new Error('no forward expiry');
    expect(put.error.message).toBe(
      `the request was forwarded to ${first}, which did not answer within ${Math.round(expired.waitedMs)} ms`,
    );
    expect(events.find((e) => e.type === 'request.forwarded')).toMatchObject({ op: 'put', to: first });
  });

  it('numbers a request’s messages with its op, so a trace can tell them from other requests’', () => {
    const { sim, call } = cluster();
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    call(outsider('plum'), { type: 'put', key: 'plum', value: text('purple') });
    const started = events.find((e) => e.type === 'request.started');
    const forwarded = events.find((e) => e.type === 'request.forwarded');
    if (started?.type !== 'request.started' || forwarded?.type !== 'request.forwarded')
      throw new Error('no trace');
    const sent = events.filter((e) => e.type === 'message.sent');
    const numbered = (types: string[]) => sent.filter((e) => types.includes(e.msg)).map((e) => e.opNumber);
    expect(numbered(['replica-put', 'replica-put-ack'])).toEqual([
      started.opNumber,
      started.opNumber,
      started.opNumber,
      started.opNumber,
    ]);
    expect(numbered(['forward', 'forward-reply'])).toEqual([forwarded.opNumber, forwarded.opNumber]);
    expect(sent.filter((e) => e.msg === 'gossip').every((e) => e.opNumber === undefined)).toBe(true);
  });

  it('deletes with a tombstone that a later read returns as such', () => {
    const { call } = cluster();
    const [a] = replicasOf('fig') as [NodeId];
    call(a, { type: 'put', key: 'fig', value: text('sweet') });
    const read = call(a, { type: 'get', key: 'fig' });
    if (!read.ok || read.type !== 'get') throw new Error('get failed');
    expect(call(a, { type: 'delete', key: 'fig', context: read.context }).ok).toBe(true);
    const after = call(a, { type: 'get', key: 'fig', r: 3 });
    expect(after.ok && after.type === 'get' && after.siblings.map((v) => v.value)).toEqual([null]);
  });

  it('times out with a sentence saying how many replicas answered', () => {
    const { sim, call } = cluster();
    const [a, b, c] = replicasOf('kiwi') as [NodeId, NodeId, NodeId];
    sim.network.partition(ids, [[a], ids.filter((id) => id !== a)]);
    const put = call(a, { type: 'put', key: 'kiwi', value: text('brown') });
    expect(put).toMatchObject({ ok: false, outcome: 'info', error: { code: 'KV_TIMEOUT' } });
    if (put.ok) throw new Error('unexpected ok');
    expect(put.error.message).toContain('only 1 of 3 replicas acknowledged');
    const get = call(b, { type: 'get', key: 'kiwi', r: 3 });
    expect(get).toMatchObject({ ok: false, outcome: 'fail', error: { code: 'KV_TIMEOUT' } });
    expect(c).toBeDefined();
  });

  it('refuses bad input before anything is sent', () => {
    const { sim, call } = cluster();
    // Gossip and Merkle exchanges flow in the background; what must not leave is request traffic.
    let sent = 0;
    sim.onEvent((e) => {
      if (e.type === 'message.sent' && /^(replica-|forward|read-repair|hint-)/.test(e.msg)) sent++;
    });
    expect(call(ids[0] as NodeId, { type: 'put', key: '', value: text('x') })).toMatchObject({
      ok: false,
      outcome: 'fail',
      error: { code: 'KV_KEY_EMPTY' },
    });
    const big = call(ids[0] as NodeId, { type: 'put', key: 'k', value: new Uint8Array(12_287) });
    expect(big).toMatchObject({
      error: { code: 'KV_VALUE_TOO_LARGE', message: 'key+value is 12,288 bytes; the limit is 10,240' },
    });
    expect(call(ids[0] as NodeId, { type: 'get', key: 'k', r: 4 })).toMatchObject({
      error: { code: 'KV_QUORUM_IMPOSSIBLE' },
    });
    expect(sent).toBe(0);
  });

  it('repairs a stale replica after a read', () => {
    const { sim, call } = cluster();
    const [a, b, c] = replicasOf('lime') as [NodeId, NodeId, NodeId];
    sim.network.partition(ids, [[c], ids.filter((id) => id !== c)]);
    call(a, { type: 'put', key: 'lime', value: text('sour') });
    sim.network.heal();
    const events: ClusterEvent[] = [];
    sim.onEvent((e) => events.push(e));
    call(b, { type: 'get', key: 'lime', r: 3 });
    expect(events.some((e) => e.type === 'read-repair.sent' && e.replicas.includes(c))).toBe(true);
    sim.network.partition(ids, [[c], ids.filter((id) => id !== c)]);
    const local = call(c, { type: 'get', key: 'lime', r: 1 });
    expect(local.ok && local.type === 'get' && local.siblings.map((v) => decode(v.value))).toEqual(['sour']);
  });

  it('keeps acknowledged writes through a crash and restart of every replica', () => {
    const { sim, call } = cluster();
    const replicas = replicasOf('date') as NodeId[];
    expect(call(replicas[0] as NodeId, { type: 'put', key: 'date', value: text('brown'), w: 3 }).ok).toBe(
      true,
    );
    for (const id of replicas) sim.crash(id, 'power');
    for (const id of replicas) sim.restart(id);
    const get = call(replicas[1] as NodeId, { type: 'get', key: 'date', r: 3 });
    expect(get.ok && get.type === 'get' && get.siblings.map((v) => decode(v.value))).toEqual(['brown']);
  });

  it('takes new gossip timers from a control patch: with T_fail raised to 20 s a crashed peer is not suspected at 8 s', () => {
    const suspicionsBy = (retimed: boolean) => {
      const { sim } = cluster(3);
      const suspected: string[] = [];
      sim.onEvent((e: ClusterEvent) => {
        if (e.type === 'member.suspected' && e.node === ids[0]) suspected.push(String(e.member));
      });
      sim.runFor(2_000);
      if (retimed) sim.control(ids[0] as NodeId, { membership: { failTimeoutMs: 20_000 } });
      sim.crash(ids[4] as NodeId, 'process');
      sim.runFor(8_000);
      return suspected;
    };
    expect(suspicionsBy(false)).toContain(ids[4]);
    expect(suspicionsBy(true)).toEqual([]);
  });

  it('flushes its memtable and compacts its tables when an operator asks, and reports a full disk', () => {
    const disks = new Map<NodeId, FaultyFileSystem>();
    const fileSystem = (id: NodeId) => {
      const disk = new FaultyFileSystem({ label: id });
      disks.set(id, disk);
      return disk;
    };
    const sim = new Simulation({
      seed: 1,
      nodes: ids,
      createNode: createKvNode,
      config: { n: 3 },
      fileSystem,
    });
    const events: string[] = [];
    sim.onEvent((e) => {
      if (e.type === 'storage' && e.node === ids[0]) events.push(e.event.type);
    });
    const n1 = ids[0] as NodeId;
    const lsm = () => (sim.node(n1) as KvNode).lsm.snapshot();
    let next = 0;
    const put = (key: string) => {
      sim.request(n1, { type: 'put', key, value: text(key), requestId: `p${next++}` }, () => {});
      sim.runFor(1_000);
    };
    const tables = () => lsm().levels.reduce((sum, level) => sum + level.tables.length, 0);
    for (const key of ['a', 'b', 'c']) put(key);
    expect(lsm().memtable.entries).toBeGreaterThan(0);
    sim.control(n1, { storage: 'flush' });
    expect(lsm().memtable.entries).toBe(0);
    expect(tables()).toBe(1);
    expect(events).toContain('memtable.flushed');
    put('d');
    sim.control(n1, { storage: 'flush' });
    expect(tables()).toBe(2);
    sim.control(n1, { storage: 'compact' });
    expect(tables()).toBe(1);
    expect(events).toContain('compaction.done');

    put('e');
    (disks.get(n1) as FaultyFileSystem).quotaBytes = 0; // the disk is full: no table fits
    sim.control(n1, { storage: 'flush' });
    expect(events.at(-1)).toBe('storage.error');
    expect(lsm().memtable.entries).toBeGreaterThan(0); // nothing lost: still in the memtable
    (disks.get(n1) as FaultyFileSystem).quotaBytes = null;
    let reply: KvReply | undefined;
    sim.request(n1, { type: 'get', key: 'e', requestId: 'g' }, (r) => {
      reply = r as KvReply;
    });
    sim.runFor(1_000);
    expect(reply?.ok && reply.type === 'get' && reply.siblings.map((v) => decode(v.value))).toEqual(['e']);
  });
});
