/**
 * Read repair before the reply, on a deterministic schedule (strict quorum, N=3, R=W=2): a write
 * reaches one replica only (its coordinator is cut off, so it ends `info`); the cut heals and a read
 * coordinated by that replica meets its version; the moment the read replies, the replica is cut off
 * again; a second read of the same session, answered by the two other replicas, must still see the
 * version (monotonic reads). With `after-reply` the repair is lost with the cut and the second read
 * goes back in time: the negative control.
 */
import { describe, expect, it } from 'vitest';
import { kvConfigFrom } from '../node/kvConfig.ts';
import { createKvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import type { ReadRepairMode } from '../scenario/types.ts';
import { Simulation } from '../simulation/simulation.ts';
import { descends } from '../versioning/vectorClock.ts';
import type { GetOk, KvCommand, KvReply, KvRequest } from './requests.ts';

const ids = nodeIds(5);
const key = 'lime';
const [a, b, c] = preferenceList(buildRing(ids.map((id) => ({ id }))), key, 3).nodes as [
  NodeId,
  NodeId,
  NodeId,
];
const text = (s: string) => new TextEncoder().encode(s);
const values = (reply: GetOk) =>
  reply.siblings.map((v) => (v.value ? new TextDecoder().decode(v.value) : null));

function cluster(readRepair: ReadRepairMode) {
  const sim = new Simulation({
    seed: 1,
    nodes: ids,
    createNode: createKvNode,
    config: { n: 3, r: 2, w: 2, quorum: 'strict', readRepair },
  });
  const events: ClusterEvent[] = [];
  sim.onEvent((e) => events.push(e));
  let next = 0;
  /** Sends a request and steps the simulation exactly until its reply (nothing after it). */
  const call = (node: NodeId, request: KvCommand): KvReply => {
    let reply: KvReply | undefined;
    sim.request(node, { ...request, requestId: `c${next++}` } as KvRequest, (r) => {
      reply = r as KvReply;
    });
    while (reply === undefined && sim.step()) {}
    if (!reply) throw new Error('no reply');
    return reply;
  };
  const isolate = (node: NodeId) => sim.network.partition(ids, [[node], ids.filter((id) => id !== node)]);
  return { sim, events, call, isolate };
}

/** The schedule of the header; returns both reads and the events. */
function session(readRepair: ReadRepairMode) {
  const { sim, events, call, isolate } = cluster(readRepair);
  isolate(a);
  expect(call(a, { type: 'put', key, value: text('sour') })).toMatchObject({ ok: false, outcome: 'info' });
  sim.network.heal();
  sim.runFor(50);
  const first = call(a, { type: 'get', key });
  isolate(a); // at the instant of the reply: anything the coordinator sends later is lost
  const second = call(b, { type: 'get', key });
  if (!first.ok || first.type !== 'get' || !second.ok || second.type !== 'get')
    throw new Error('a read failed');
  return { first, second, events };
}

describe('read repair before the reply (monotonic reads)', () => {
  it('writes the result back before replying, so a later read from the other replicas sees it', () => {
    const { first, second, events } = session('before-reply');
    expect(values(first)).toEqual(['sour']);
    const mine = events.filter((e) => 'requestId' in e && e.requestId === first.requestId);
    const order = mine
      .map((e) => e.type)
      .filter((t) => t.startsWith('write-back') || t === 'request.completed');
    expect(order).toEqual(['write-back.sent', 'write-back.acked', 'request.completed']);
    const sent = mine.find((e) => e.type === 'write-back.sent');
    expect(sent).toMatchObject({ holders: [a], needed: 2 });
    expect(second.answeredBy.sort()).toEqual([b, c].sort());
    expect(values(second)).toEqual(['sour']);
    expect(descends(second.context, first.context)).toBe(true);
  });

  it('negative control: with the repair after the reply, the cut loses it and the session goes back in time', () => {
    const { first, second, events } = session('after-reply');
    expect(values(first)).toEqual(['sour']);
    expect(events.some((e) => e.type === 'write-back.sent')).toBe(false);
    expect(values(second)).toEqual([]);
    expect(descends(second.context, first.context)).toBe(false);
  });

  it('times out saying how many replicas hold the result when the write-back reaches too few', () => {
    const { sim, events, call, isolate } = cluster('before-reply');
    isolate(a);
    call(a, { type: 'put', key, value: text('sour') });
    sim.network.heal();
    sim.runFor(50);
    // a hears only from b (a and c are cut apart); b crashes as soon as its answer is in, so the
    // write-back to b is lost.
    sim.network.cut(a, c);
    sim.network.cut(c, a);
    let reply: KvReply | undefined;
    sim.request(a, { type: 'get', key, requestId: 'cut' }, (r) => {
      reply = r as KvReply;
    });
    const seen = events.length;
    const answeredByB = (e: ClusterEvent) => e.type === 'replica.answered' && e.replica === b;
    while (!events.slice(seen).some(answeredByB) && sim.now < 1_000_000) sim.step();
    sim.crash(b);
    sim.runFor(5_000);
    expect(reply).toMatchObject({ ok: false, outcome: 'fail', error: { code: 'KV_TIMEOUT' } });
    if (reply?.ok !== false) throw new Error('unexpected reply');
    expect(reply.error.message).toContain('only 1 of 3 replicas hold its result (2 needed');
  });

  it('is a node setting: before the reply by default, and an unknown value is refused with a sentence', () => {
    expect(kvConfigFrom({}, a, [b, c])).toMatchObject({ readRepair: 'before-reply' });
    expect(kvConfigFrom({ readRepair: 'after-reply' }, a, [b, c])).toMatchObject({
      readRepair: 'after-reply',
    });
    expect(kvConfigFrom({ readRepair: 'later' }, a, [b, c])).toMatchObject({
      code: 'KV_INVALID_ARGUMENT',
      sentence: 'readRepair must be one of before-reply, after-reply (got "later")',
    });
  });
});
