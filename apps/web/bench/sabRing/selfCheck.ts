/**
 * Checks the ring and the codec in one thread before the browser runs them, where a bug would
 * show only as a hung or miscounted run: a 64-byte ring whose counters start just below 2^31 (so
 * they wrap as int32 within the check), batches of 1..64 bytes sent and drained in a seeded random
 * order, so batches cross the end of the data, fill the ring and spill; every byte must come out
 * once, in order. Then every message shape goes through the codec and must come back equal.
 */

import { deepStrictEqual, ok } from 'node:assert';
import { decodeBatch, encode, Writer } from './codec.ts';
import type { Message } from './messages.ts';
import { Doorbells, newRingStats, RingConsumer, RingProducer, ringHeaderBytes } from './ring.ts';

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a line saying what was exercised; throws when a byte is lost, repeated or out of order. */
export function checkRing(seed = 1): string {
  const capacity = 64;
  const stats = newRingStats();
  const bells = new Doorbells(Doorbells.create(2), stats);
  const buffer = new SharedArrayBuffer(ringHeaderBytes + capacity);
  const header = new Int32Array(buffer, 0, ringHeaderBytes / 4);
  header[0] = 0x7fffffff - 100; // head
  header[16] = 0x7fffffff - 100; // tail
  const producer = new RingProducer(buffer, bells, 1, stats);
  const consumer = new RingConsumer(buffer, bells, 0);
  const random = mulberry32(seed);
  let sentByte = 0;
  let readByte = 0;
  let int32Wraps = 0;
  let endCrossings = 0;
  const drain = () => {
    const bytes = consumer.drain();
    for (const b of bytes ?? []) {
      if (b !== (readByte & 255)) throw new Error(`ring check: byte ${readByte} read as ${b}`);
      readByte++;
    }
  };
  for (let step = 0; step < 50_000; step++) {
    const r = random();
    if (r < 0.5) {
      const batch = new Uint8Array(1 + Math.floor(random() * capacity));
      for (let i = 0; i < batch.length; i++) batch[i] = sentByte++ & 255;
      const before = header[0]!;
      producer.send(batch);
      const after = header[0]!;
      if (after < before) int32Wraps++;
      if (after !== before && (before & (capacity - 1)) + batch.length > capacity) endCrossings++;
    } else if (r < 0.8) drain();
    else producer.retry();
  }
  while (producer.spilled > 0) {
    drain();
    producer.retry();
  }
  drain();
  ok(readByte === sentByte, `ring check: sent ${sentByte} bytes, read ${readByte}`);
  ok(stats.spills > 0 && int32Wraps > 0 && endCrossings > 0, 'ring check: a case was not exercised');
  return (
    `ring check: ${sentByte} bytes in ${stats.batches} batches (${endCrossings} crossing the end of the ring, ` +
    `${stats.spills} spilled, counters wrapped past 2^31 ${int32Wraps}×), every byte once and in order`
  );
}

/** Every message shape, encoded and decoded, comes back equal (a non-ASCII key included). */
export function checkCodec(): string {
  const value = new Uint8Array(64).map((_, i) => i);
  const clock = [0, 1, 2].map((i) => ({ node: `n${i + 1}`, counter: 7 + i, timestamp: 1.5e12 + i }));
  const messages: Message[] = [
    { request: { type: 'put', requestId: 'r1', key: 'clé-1', value }, traced: false },
    {
      from: 'n1',
      to: 'n2',
      id: 3,
      body: { type: 'replica-put', op: 9, key: 'tp-1', versions: [{ clock, value, timestamp: 1.5e12 }] },
    },
    { from: 'n2', to: 'n1', id: 4, body: { type: 'replica-put-ack', op: 9, ok: true } },
    { type: 'put', ok: true, requestId: 'r1', coordinator: 'n1', clock, ackedBy: ['n1', 'n2'] },
    { type: 'ping', seq: 5 },
    { type: 'pong', seq: 5 },
  ];
  // Forty copies: the batch outgrows the writer's first 4 KiB buffer.
  const batch = Array.from({ length: 40 }, () => messages).flat();
  const w = new Writer();
  for (const m of batch) encode(w, m);
  const back: Message[] = [];
  decodeBatch(w.written.slice(), (m) => back.push(m));
  deepStrictEqual(back, batch);
  const replicaPut = new Writer();
  encode(replicaPut, messages[1]!);
  return `codec check: ${messages.length} shapes round-trip in a ${w.length}-byte batch; a replica-put is ${replicaPut.length} bytes`;
}
