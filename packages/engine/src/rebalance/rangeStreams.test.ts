/**
 * The range-streaming state machine on its own (SPEC 1.7): two ends wired by a message pump that
 * can lose messages. A stream moves every key of its range and only those, in bounded batches;
 * lost batches and lost acks are recovered by resending; writes stored after the snapshot are
 * forwarded until the grace period ends; a pull works like a push started by the receiver.
 */
import { describe, expect, it } from 'vitest';
import type { KeyRange } from '../antiEntropy/ranges.ts';
import { rangeForwardGraceMs, streamBatchKeysMax, streamRetryMs } from '../constants.ts';
import { emptyOutput, type NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Envelope } from '../protocol/messages.ts';
import { arcContains, keyPosition } from '../ring/ring.ts';
import type { Version } from '../versioning/siblings.ts';
import type { StreamResult } from './events.ts';
import type { StreamMessage } from './messages.ts';
import { RangeStreams } from './rangeStreams.ts';

const version = (text: string): Version => ({
  clock: [{ node: 'n1' as NodeId, counter: 1, timestamp: 0 }],
  value: new TextEncoder().encode(text),
  timestamp: 0,
});

/** Keys k0… on the half of the ring (0, 2^31]; the rest outside. */
const range: KeyRange = { start: 0, end: 2 ** 31 };
const inRange = (key: string) => arcContains(range.start, range.end, keyPosition(key));

function end(id: string, sent: Envelope[], finished: StreamResult[]) {
  const data = new Map<string, Version[]>();
  const host = {
    self: id as NodeId,
    send: (to: NodeId, body: Envelope['body'], _out: NodeOutput) => {
      sent.push({ from: id as NodeId, to, id: sent.length, body });
    },
    read: (key: string) => data.get(key) ?? [],
    apply: (key: string, versions: readonly Version[]) => {
      data.set(key, [...versions]);
      return null;
    },
    keysIn: (r: KeyRange) =>
      [...data.keys()].filter((k) => arcContains(r.start, r.end, keyPosition(k))).sort(),
    leaving: () => false,
    heardFromLeaver: () => {},
  };
  const streams = new RangeStreams(host, 1, (result) => finished.push(result));
  return { data, streams };
}

function pair() {
  const wire: Envelope[] = [];
  const finished: StreamResult[] = [];
  const a = end('a', wire, finished);
  const b = end('b', wire, finished);
  const ends = { a, b } as Record<string, ReturnType<typeof end>>;
  /** Delivers everything on the wire (dropping what `lose` picks) until it is quiet. */
  const pump = (now: number, lose: (e: Envelope) => boolean = () => false) => {
    const delivered: Envelope[] = [];
    while (wire.length > 0) {
      const envelope = wire.shift() as Envelope;
      if (lose(envelope)) continue;
      delivered.push(envelope);
      ends[envelope.to]?.streams.onMessage(envelope.from, envelope.body as StreamMessage, now, emptyOutput());
    }
    return delivered;
  };
  return { a, b, wire, finished, pump };
}

const keys = [...Array(400).keys()].map((i) => `k${i}`);

describe('range streams', () => {
  it('pushes every key of the range, and only those, in batches of at most the limit', () => {
    const { a, b, pump, finished } = pair();
    for (const key of keys) a.data.set(key, [version(key)]);
    a.streams.push('b' as NodeId, range, 0, emptyOutput());
    const delivered = pump(0);
    const expected = keys.filter(inRange).sort();
    expect([...b.data.keys()].sort()).toEqual(expected);
    const batches = delivered.filter((e) => e.body.type === 'stream-batch');
    expect(batches.length).toBe(Math.ceil(expected.length / streamBatchKeysMax));
    for (const batch of batches)
      expect((batch.body as { entries: unknown[] }).entries.length).toBeLessThanOrEqual(streamBatchKeysMax);
    expect(finished.map((f) => [f.direction, f.keys])).toEqual([
      ['in', expected.length],
      ['out', expected.length],
    ]);
  });

  it('recovers lost batches and lost acks by resending, counting every key once', () => {
    const { a, b, pump, finished } = pair();
    for (const key of keys) a.data.set(key, [version(key)]);
    a.streams.push('b' as NodeId, range, 0, emptyOutput());
    let drop = 0;
    // Lose every third batch or ack, then let the retry timer resend.
    const lose = (e: Envelope) =>
      (e.body.type === 'stream-batch' || e.body.type === 'stream-ack') && drop++ % 3 === 0;
    let now = 0;
    for (let round = 0; round < 50 && finished.length < 2; round++) {
      pump(now, lose);
      now += streamRetryMs;
      a.streams.tick(now, emptyOutput());
    }
    const expected = keys.filter(inRange);
    expect(b.data.size).toBe(expected.length);
    expect(finished.find((f) => f.direction === 'in')?.keys).toBe(expected.length);
    expect(a.streams.counters.batchesResent).toBeGreaterThan(0);
  });

  it('forwards writes stored after the snapshot until the grace period after the change', () => {
    const { a, b, pump } = pair();
    a.streams.push('b' as NodeId, range, 0, emptyOutput());
    pump(0);
    const key = keys.find(inRange) as string;
    const outside = keys.find((k) => !inRange(k)) as string;
    a.streams.forward(key, [version('late')], 10, emptyOutput());
    a.streams.forward(outside, [version('elsewhere')], 10, emptyOutput());
    pump(10);
    expect(b.data.get(key)?.map((v) => new TextDecoder().decode(v.value as Uint8Array))).toEqual(['late']);
    expect(b.data.has(outside)).toBe(false);
    a.streams.settleForwards('b' as NodeId, 20);
    a.streams.forward(key, [version('still')], 20 + rangeForwardGraceMs - 1, emptyOutput());
    pump(20);
    expect(b.data.get(key)?.length).toBe(1);
    b.data.delete(key);
    a.streams.forward(key, [version('too late')], 20 + rangeForwardGraceMs, emptyOutput());
    pump(20);
    expect(b.data.has(key)).toBe(false);
  });

  it('sends a lost forward again until the new owner acknowledges it', () => {
    const { a, b, pump } = pair();
    a.streams.push('b' as NodeId, range, 0, emptyOutput());
    pump(0);
    const key = keys.find(inRange) as string;
    a.streams.forward(key, [version('late')], 10, emptyOutput());
    pump(10, (e) => e.body.type === 'stream-forward'); // lost on the way
    expect(b.data.has(key)).toBe(false);
    expect(a.streams.forwardsUnacked).toBe(1);
    const retry = a.streams.nextDeadline() as number;
    expect(retry).toBe(10 + streamRetryMs);
    a.streams.tick(retry, emptyOutput());
    pump(retry, (e) => e.body.type === 'stream-forward-ack'); // stored, but the ack is lost
    expect(b.data.get(key)?.map((v) => new TextDecoder().decode(v.value as Uint8Array))).toEqual(['late']);
    expect(a.streams.forwardsUnacked).toBe(1);
    a.streams.tick(retry + streamRetryMs, emptyOutput());
    pump(retry + streamRetryMs);
    expect(a.streams.forwardsUnacked).toBe(0);
    expect(a.streams.nextDeadline()).toBeNull();
  });

  it('pulls a range on request, asking again when the holder stays silent', () => {
    const { a, b, pump, finished } = pair();
    for (const key of keys) a.data.set(key, [version(key)]);
    b.streams.pull('a' as NodeId, range, 0, emptyOutput());
    pump(0, (e) => e.body.type === 'stream-request'); // the first request is lost
    expect(b.data.size).toBe(0);
    b.streams.tick(streamRetryMs, emptyOutput());
    pump(streamRetryMs);
    expect(b.data.size).toBe(keys.filter(inRange).length);
    expect(finished.map((f) => f.direction).sort()).toEqual(['in', 'out']);
  });

  it('resends at exactly the deadline it reports, even where now − sentAt rounds below the retry time', () => {
    // 1933.4434068905814 + 2000 = 3933.443406890581, but 3933.443406890581 − 1933.4434068905814 is
    // 1999.9999999999998: a node woken at its deadline that compared the difference never resent,
    // and the simulator woke it at the same instant for ever.
    const sentAt = 1933.4434068905814;
    const { a, b, wire } = pair();
    for (const key of keys) a.data.set(key, [version(key)]);
    a.streams.push('b' as NodeId, range, sentAt, emptyOutput());
    b.streams.pull('a' as NodeId, { start: 2 ** 31, end: 0 }, sentAt, emptyOutput());
    wire.length = 0; // the first batch and the request are lost
    const deadline = a.streams.nextDeadline() as number;
    expect(deadline - sentAt).toBeLessThan(streamRetryMs);
    a.streams.tick(deadline, emptyOutput());
    b.streams.tick(deadline, emptyOutput());
    expect(wire.map((e) => e.body.type).sort()).toEqual(['stream-batch', 'stream-request']);
    expect(a.streams.nextDeadline()).toBeGreaterThan(deadline);
    expect(b.streams.nextDeadline()).toBeGreaterThan(deadline);
  });
});
