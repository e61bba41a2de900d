/**
 * Range streaming, both ends (SPEC 1.7): the state machine that moves the keys of one ring range
 * from a node that holds them to one that now owns them. Pure: stepped with messages, ticks and
 * `now`; it sends through its host and reads and writes versions through it.
 *
 *   sender (outgoing)                                   receiver (incoming)
 *   open: snapshot the range's keys ─▶ batch seq 0 ───▶ apply entries (durable) ─▶ ack seq 0
 *   ack k ─▶ batch k+1 (versions read at send time) ──▶ apply ─▶ ack k+1
 *   ack of the batch marked done ─▶ stream.done          batch marked done ─▶ stream.done
 *   no ack within streamRetryMs ─▶ the same batch again  (re-applying is idempotent: versions merge)
 *
 * Keys written after the snapshot are not lost: from the moment a stream opens, the sender copies
 * every write it stores in the range to the receiver (`forward`), and keeps doing so until
 * `rangeForwardGraceMs` after its ring shows the change (`settleForwards`), so that coordinators
 * still on the old ring are covered too. The receiver acknowledges each forward once stored, and the
 * sender sends it again until it does (a leaving node does not leave before): a lost forward would
 * leave the new owner without an acknowledged write until anti-entropy found it.
 *
 * Invariants: at most one batch per stream in flight; a receiver acknowledges a batch only after
 * every entry in it was applied (the host asks for the sync that makes it durable before the ack
 * leaves); a stream id (`<opener>@<start>#<n>`) is never reused, not even by a restarted node.
 */

import { type KeyRange, rangeContains, sameRange } from '../antiEntropy/ranges.ts';
import {
  rangeForwardGraceMs,
  rangeForwardMaxMs,
  streamBatchBytesMax,
  streamBatchKeysMax,
  streamRetryMs,
} from '../constants.ts';
import type { KvError } from '../errors.ts';
import type { NodeOutput } from '../node/contract.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { Message } from '../protocol/messages.ts';
import { arcContains, keyPosition } from '../ring/ring.ts';
import { encodeSiblings, type Version } from '../versioning/siblings.ts';
import type { StreamDirection, StreamResult } from './events.ts';
import type { StreamBatch, StreamEntry, StreamForward, StreamMessage } from './messages.ts';
import type { Forward, Incoming, Outgoing, UnackedForward } from './streamRecords.ts';

export interface StreamHost {
  readonly self: NodeId;
  send(to: NodeId, body: Message, out: NodeOutput): void;
  /** This node's versions of `key`. */
  read(key: string): Version[] | KvError;
  /** Merges versions into this node's data; asks for the sync that must precede the ack. */
  apply(key: string, versions: readonly Version[], now: number, out: NodeOutput): KvError | null;
  /** The keys this node stores in the range, in a stable order (the stream's snapshot). */
  keysIn(range: KeyRange): string[];
  /** True while this node hands its ranges over to leave: its batches and forwards say so. */
  leaving(): boolean;
  /** A node handing its ranges over sent this one a batch or a forward (leavers.ts). */
  heardFromLeaver(peer: NodeId): void;
}

/** Finished incoming stream ids remembered, so a late duplicate batch is acked, not taken as a new push. */
const finishedStreamsKept = 1_024;

export class RangeStreams {
  readonly counters = { batchesSent: 0, batchesResent: 0, batchesReceived: 0, forwarded: 0 };
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly incoming = new Map<string, Incoming>();
  private readonly finishedIn = new Set<string>();
  private forwards: Forward[] = [];
  private readonly unacked = new Map<number, UnackedForward>();
  private nextStream = 0;
  private nextForward = 0;

  constructor(
    private readonly host: StreamHost,
    /** The node's start time: part of every stream id, so a restarted node never reuses one. */
    private readonly incarnation: number,
    private readonly onFinished: (result: StreamResult, now: number, out: NodeOutput) => void,
  ) {}

  get openStreams(): number {
    return this.outgoing.size + this.incoming.size;
  }

  /** Forwarded writes not acknowledged yet: a leaving node waits for them. */
  get forwardsUnacked(): number {
    return this.unacked.size;
  }

  /** The receivers of forwarded writes not acknowledged yet, each once. */
  unackedReceivers(): NodeId[] {
    return [...new Set([...this.unacked.values()].map((f) => f.to))];
  }

  /** Does this node forward the writes it stores in `range` to `to` (since a stream opened)? */
  forwarding(to: NodeId, range: KeyRange): boolean {
    return this.forwards.some((f) => f.to === to && sameRange(f.range, range));
  }

  /**
   * Is something this node sends `to` in one of `ranges` still unacknowledged: a stream, or a
   * forwarded write? (A fence is answered only once nothing is.)
   */
  sendingTo(to: NodeId, ranges: readonly KeyRange[]): boolean {
    for (const s of this.outgoing.values())
      if (s.to === to && ranges.some((r) => sameRange(r, s.range))) return true;
    for (const f of this.unacked.values()) {
      if (f.to !== to) continue;
      const position = keyPosition(f.key);
      if (ranges.some((r) => rangeContains(r, position))) return true;
    }
    return false;
  }

  /** Asks `from` to stream the range here (a joiner's bootstrap). Returns the stream id. */
  pull(from: NodeId, range: KeyRange, now: number, out: NodeOutput): string {
    const id = this.newId();
    this.incoming.set(id, this.newIncoming(id, from, range, now, true));
    this.started(id, from, 'in', range, now, out);
    this.host.send(from, { type: 'stream-request', stream: id, range }, out);
    return id;
  }

  /**
   * Streams this node's keys of the range to `to` (a leaving node's hand-over). Returns the id.
   * With `keys`, streams exactly those (the clean-up's re-send of keys stored after a hand-over),
   * without forwarding later writes: the caller tracks those itself.
   */
  push(to: NodeId, range: KeyRange, now: number, out: NodeOutput, keys?: string[]): string {
    const id = this.newId();
    this.open(id, to, range, now, out, keys);
    return id;
  }

  onMessage(from: NodeId, body: StreamMessage, now: number, out: NodeOutput): void {
    switch (body.type) {
      case 'stream-request': {
        const open = this.outgoing.get(body.stream);
        if (open) this.sendBatch(open, now, out, true);
        else this.open(body.stream, from, body.range, now, out);
        return;
      }
      case 'stream-batch':
        if (body.leaving) this.host.heardFromLeaver(from);
        this.onBatch(from, body, now, out);
        return;
      case 'stream-ack':
        this.onAck(from, body.stream, body.seq, now, out);
        return;
      case 'stream-forward':
        if (body.leaving) this.host.heardFromLeaver(from);
        // Acknowledged after the step's sync (the host asks for it), as a batch is.
        if (this.host.apply(body.key, body.siblings, now, out) === null)
          this.host.send(from, { type: 'stream-forward-ack', id: body.id }, out);
        return;
      case 'stream-forward-ack':
        if (this.unacked.get(body.id)?.to === from) this.unacked.delete(body.id);
        return;
    }
  }

  /** Copies a write this node stored to every node a range containing `key` is being handed to. */
  forward(key: string, siblings: readonly Version[], now: number, out: NodeOutput): void {
    if (this.forwards.length === 0) return;
    this.forwards = this.forwards.filter((f) => f.expiresAt > now);
    const position = keyPosition(key);
    const sentTo = new Set<NodeId>();
    for (const f of this.forwards) {
      if (sentTo.has(f.to) || !arcContains(f.range.start, f.range.end, position)) continue;
      sentTo.add(f.to);
      this.counters.forwarded++;
      const forward = {
        to: f.to,
        key,
        siblings: siblings.slice(),
        sentAt: now,
        expiresAt: now + rangeForwardMaxMs,
      };
      this.nextForward++;
      this.unacked.set(this.nextForward, forward);
      this.sendForward(this.nextForward, forward, out);
    }
  }

  /** The ring now shows `to` owning what it was sent: forward to it only for the grace period more. */
  settleForwards(to: NodeId | null, now: number): void {
    for (const f of this.forwards) {
      if (to === null || f.to === to) f.expiresAt = Math.min(f.expiresAt, now + rangeForwardGraceMs);
    }
  }

  /**
   * `peer` is gone for good (a join cancelled, a node that left): nothing more is sent to it — no
   * batch again, no forward (else a node leaving later would wait for acknowledgements that cannot
   * come, for `rangeForwardMaxMs`).
   */
  forget(peer: NodeId): void {
    for (const [id, stream] of this.outgoing) if (stream.to === peer) this.outgoing.delete(id);
    this.forwards = this.forwards.filter((f) => f.to !== peer);
    for (const [id, forward] of this.unacked) if (forward.to === peer) this.unacked.delete(id);
  }

  /** Resends batches and requests that went unanswered. */
  tick(now: number, out: NodeOutput): void {
    // The same sums as nextDeadline(): `now - sentAt >= streamRetryMs` can round the other way and
    // leave the node woken at its deadline for ever (a random compound-fault run hung so).
    for (const stream of this.outgoing.values()) {
      if (stream.inFlight && now >= stream.inFlight.sentAt + streamRetryMs)
        this.sendBatch(stream, now, out, true);
    }
    for (const [id, forward] of this.unacked) {
      if (now >= forward.expiresAt) this.unacked.delete(id);
      else if (now >= forward.sentAt + streamRetryMs) {
        forward.sentAt = now;
        this.sendForward(id, forward, out);
      }
    }
    for (const stream of this.incoming.values()) {
      if (!stream.pulled || now < stream.lastHeardAt + streamRetryMs) continue;
      stream.lastHeardAt = now;
      this.host.send(stream.from, { type: 'stream-request', stream: stream.id, range: stream.range }, out);
    }
  }

  nextDeadline(): number | null {
    // Asked after every step of the node: plain loops, no closure per call.
    let next = Number.POSITIVE_INFINITY;
    for (const s of this.outgoing.values())
      if (s.inFlight) next = Math.min(next, s.inFlight.sentAt + streamRetryMs);
    for (const s of this.incoming.values())
      if (s.pulled) next = Math.min(next, s.lastHeardAt + streamRetryMs);
    for (const f of this.unacked.values()) next = Math.min(next, f.sentAt + streamRetryMs);
    return next === Number.POSITIVE_INFINITY ? null : next;
  }

  private sendForward(id: number, forward: UnackedForward, out: NodeOutput): void {
    const { to, key, siblings } = forward;
    const body: StreamForward = { type: 'stream-forward', id, key, siblings };
    if (this.host.leaving()) body.leaving = true;
    this.host.send(to, body, out);
  }

  // ── sender ──────────────────────────────────────────────────────────────────────────────────

  private open(id: string, to: NodeId, range: KeyRange, now: number, out: NodeOutput, keys?: string[]): void {
    const stream: Outgoing = {
      id,
      to,
      range,
      keys: keys ?? this.host.keysIn(range),
      cursor: 0,
      seq: 0,
      inFlight: null,
      keysSent: 0,
      bytes: 0,
      startedAt: now,
    };
    this.outgoing.set(id, stream);
    if (keys === undefined) this.registerForward(to, range, now);
    this.started(id, to, 'out', range, now, out);
    this.sendBatch(stream, now, out, false);
  }

  /** Sends the batch at the cursor (again, when `resend`): versions are read as they are now. */
  private sendBatch(stream: Outgoing, now: number, out: NodeOutput, resend: boolean): void {
    const entries: StreamEntry[] = [];
    let bytes = 0;
    let covers = 0;
    while (stream.cursor + covers < stream.keys.length && entries.length < streamBatchKeysMax) {
      const key = stream.keys[stream.cursor + covers] as string;
      const versions = this.host.read(key);
      const size = Array.isArray(versions) ? encodeSiblings(versions).length : 0;
      if (entries.length > 0 && bytes + size > streamBatchBytesMax) break;
      covers++;
      // A key that vanished or reads corrupt is skipped: anti-entropy repairs the range later.
      if (!Array.isArray(versions) || versions.length === 0) continue;
      entries.push({ key, siblings: versions });
      bytes += size;
    }
    const done = stream.cursor + covers >= stream.keys.length;
    const seq = stream.seq;
    stream.inFlight = { seq, covers, entries: entries.length, bytes, done, sentAt: now };
    if (resend) this.counters.batchesResent++;
    else this.counters.batchesSent++;
    const body: StreamBatch = {
      type: 'stream-batch',
      stream: stream.id,
      range: stream.range,
      seq,
      entries,
      done,
    };
    if (this.host.leaving()) body.leaving = true;
    this.host.send(stream.to, body, out);
  }

  private onAck(from: NodeId, id: string, seq: number, now: number, out: NodeOutput): void {
    const stream = this.outgoing.get(id);
    const batch = stream?.inFlight;
    if (!stream || !batch || stream.to !== from || batch.seq !== seq) return; // late or duplicate
    stream.cursor += batch.covers;
    stream.keysSent += batch.entries;
    stream.bytes += batch.bytes;
    stream.inFlight = null;
    if (!batch.done) {
      stream.seq++;
      this.sendBatch(stream, now, out, false);
      return;
    }
    this.outgoing.delete(id);
    this.finish(
      {
        stream: id,
        peer: stream.to,
        direction: 'out',
        range: stream.range,
        keys: stream.keysSent,
        bytes: stream.bytes,
        ms: now - stream.startedAt,
      },
      now,
      out,
    );
  }

  // ── receiver ────────────────────────────────────────────────────────────────────────────────

  private onBatch(from: NodeId, batch: StreamBatch, now: number, out: NodeOutput): void {
    let stream = this.incoming.get(batch.stream);
    if (!stream && !this.finishedIn.has(batch.stream)) {
      // The first batch of a push (or of a pull this node forgot by restarting): take it.
      stream = this.newIncoming(batch.stream, from, batch.range, now, false);
      this.incoming.set(batch.stream, stream);
      this.started(batch.stream, from, 'in', batch.range, now, out);
    }
    this.counters.batchesReceived++;
    for (const entry of batch.entries) {
      // Not applied, not acknowledged: the sender tries again after streamRetryMs.
      if (this.host.apply(entry.key, entry.siblings, now, out) !== null) return;
    }
    this.host.send(from, { type: 'stream-ack', stream: batch.stream, seq: batch.seq }, out);
    if (!stream || stream.from !== from || batch.seq !== stream.expected) return; // a duplicate
    stream.expected++;
    stream.lastHeardAt = now;
    stream.keys += batch.entries.length;
    stream.bytes += batch.entries.reduce((sum, e) => sum + encodeSiblings(e.siblings).length, 0);
    if (!batch.done) return;
    this.incoming.delete(batch.stream);
    this.finishedIn.add(batch.stream);
    if (this.finishedIn.size > finishedStreamsKept)
      this.finishedIn.delete(this.finishedIn.values().next().value as string);
    this.finish(
      {
        stream: batch.stream,
        peer: from,
        direction: 'in',
        range: stream.range,
        keys: stream.keys,
        bytes: stream.bytes,
        ms: now - stream.startedAt,
      },
      now,
      out,
    );
  }

  // ── bookkeeping ─────────────────────────────────────────────────────────────────────────────

  private newId(): string {
    return `${this.host.self}@${this.incarnation}#${this.nextStream++}`;
  }

  private newIncoming(id: string, from: NodeId, range: KeyRange, now: number, pulled: boolean): Incoming {
    return { id, from, range, expected: 0, keys: 0, bytes: 0, startedAt: now, lastHeardAt: now, pulled };
  }

  private registerForward(to: NodeId, range: KeyRange, now: number): void {
    const existing = this.forwards.find((f) => f.to === to && sameRange(f.range, range));
    if (existing) existing.expiresAt = Math.max(existing.expiresAt, now + rangeForwardMaxMs);
    else this.forwards.push({ to, range, expiresAt: now + rangeForwardMaxMs });
  }

  private started(
    stream: string,
    peer: NodeId,
    direction: StreamDirection,
    range: KeyRange,
    now: number,
    out: NodeOutput,
  ): void {
    out.events.push({
      type: 'stream.started',
      at: now,
      node: this.host.self,
      stream,
      peer,
      direction,
      range,
    });
  }

  private finish(result: StreamResult, now: number, out: NodeOutput): void {
    out.events.push({ type: 'stream.done', at: now, node: this.host.self, ...result });
    this.onFinished(result, now, out);
  }
}

/** The keys of `entries` (in key order) whose ring position falls in `range`: what a stream sends. */
export function keysInRange(entries: Iterable<[string, unknown]>, range: KeyRange): string[] {
  const keys: string[] = [];
  for (const [key] of entries) if (arcContains(range.start, range.end, keyPosition(key))) keys.push(key);
  return keys;
}
