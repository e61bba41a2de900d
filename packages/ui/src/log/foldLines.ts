/**
 * Folding the log's chatter, so that what a learner came to see is not scrolled away by routine.
 *
 * Range streams: one line per node and direction for a membership change's streams, instead of one
 * per stream. A node joining a 5-node ring with 8 tokens opens about 66 streams; written one by one,
 * their starts and ends (4 × 66 lines) filled the whole log, pushing out the join itself and every
 * fault before it. Folded, the join reads "n6 starts receiving 66 ranges: 16 from n1, 12 from n2 …"
 * and "n1 sent 5 keys (624 B) to n6 in 16 streams". Streams fold when one node reports them
 * (`node`), in the same direction, opened by the same node incarnation (the stream id's `n6@123`
 * prefix) and each within `foldGapMs` of the group's last. A group of one stays the engine's event.
 *
 * Repeats: identical sentences within `foldGapMs` of each other are one line with a count. Anti-
 * entropy compares one Merkle tree per shared range, so one periodic round between two nodes wrote
 * "n2 compares one range's Merkle tree with n6 (periodic)" three times, then three identical
 * verdicts; anti-entropy was about 60% of the events of a 2.5-minute lab session (2 ops/s, a
 * partition, a pause, a wipe). Requests never fold: two puts of one key are two requests, each with
 * its own trace.
 *
 * The engine's events are unchanged: the ring view and the traces still see every one; only the
 * log's lines are folded.
 */

import { describeEvent } from './describeEvent.ts';
import { type AnyEvent, eventKind } from './eventTypes.ts';

/**
 * The streams of one membership change, or the exchanges of one anti-entropy round, come within
 * moments of each other, even at classroom speed.
 */
const foldGapMs = 5_000;

/** The folded line: `streams.started` or `streams.done`, with what its streams carried. */
export interface FoldedStreams {
  type: 'streams.started' | 'streams.done';
  at: number;
  node: string;
  direction: 'in' | 'out';
  /** The other ends, in id order (named `peers` so that the node filter finds them). */
  peers: string[];
  /** Streams per peer. */
  perPeer: Record<string, number>;
  streams: number;
  keys: number;
  bytes: number;
  /** The longest stream, in ms. */
  ms: number;
  /** The group's first event: a stable identity for the line. */
  first: AnyEvent;
  [field: string]: unknown;
}

interface Group {
  folded: FoldedStreams;
  members: AnyEvent[];
  lastAt: number;
}

/** The identity of a log line: a folded line is its first stream's (React keys stay put as it grows). */
export function lineIdentity(event: AnyEvent): object {
  return event.type.startsWith('streams.') ? ((event as FoldedStreams).first as object) : event;
}

/** The events, oldest first, with each run of kindred stream events replaced by one folded line. */
export function foldStreams(events: readonly AnyEvent[]): AnyEvent[] {
  const out: (AnyEvent | Group)[] = [];
  const groups = new Set<AnyEvent | Group>();
  const open = new Map<string, Group>();
  for (const event of events) {
    const groupKey = streamGroupKey(event);
    if (groupKey === null) {
      out.push(event);
      continue;
    }
    const group = open.get(groupKey);
    if (group && event.at - group.lastAt <= foldGapMs) {
      add(group, event);
      continue;
    }
    const fresh = newGroup(event);
    open.set(groupKey, fresh);
    groups.add(fresh);
    out.push(fresh);
  }
  return out.map((item) => {
    if (!groups.has(item)) return item as AnyEvent;
    const { members, folded } = item as Group;
    if (members.length === 1) return members[0] as AnyEvent;
    folded.peers.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return folded;
  });
}

function streamGroupKey(event: AnyEvent): string | null {
  if (event.type !== 'stream.started' && event.type !== 'stream.done') return null;
  const record = event as Record<string, unknown>;
  const stream = String(record.stream ?? '');
  const opener = stream.includes('#') ? stream.slice(0, stream.lastIndexOf('#')) : stream;
  return `${event.type} ${event.node} ${String(record.direction)} ${opener}`;
}

function newGroup(event: AnyEvent): Group {
  const folded: FoldedStreams = {
    type: event.type === 'stream.started' ? 'streams.started' : 'streams.done',
    at: event.at,
    node: event.node,
    direction: (event as Record<string, unknown>).direction === 'in' ? 'in' : 'out',
    peers: [],
    perPeer: {},
    streams: 0,
    keys: 0,
    bytes: 0,
    ms: 0,
    first: event,
  };
  const group: Group = { folded, members: [], lastAt: event.at };
  add(group, event);
  return group;
}

function add(group: Group, event: AnyEvent): void {
  const record = event as Record<string, unknown>;
  const folded = group.folded;
  const peer = String(record.peer);
  if (!(peer in folded.perPeer)) {
    folded.peers.push(peer);
    folded.perPeer[peer] = 0;
  }
  folded.perPeer[peer] = (folded.perPeer[peer] ?? 0) + 1;
  folded.streams++;
  folded.keys += numberOr0(record.keys);
  folded.bytes += numberOr0(record.bytes);
  folded.ms = Math.max(folded.ms, numberOr0(record.ms));
  // A start is when the first stream opened; an end is when the last one finished.
  if (folded.type === 'streams.done') folded.at = Math.max(folded.at, event.at);
  group.members.push(event);
  group.lastAt = Math.max(group.lastAt, event.at);
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** A line of the log: an event (perhaps folded streams) and how many identical sentences it stands for. */
export interface LogLine {
  event: AnyEvent;
  text: string;
  count: number;
}

/**
 * Lines newest first (as `selectEvents` gives them), each sentence repeated within `foldGapMs`
 * folded into its newest occurrence, at most `limit` lines.
 */
export function foldRepeats(newestFirst: readonly AnyEvent[], limit: number): LogLine[] {
  const lines: LogLine[] = [];
  const open = new Map<string, { line: LogLine; oldestAt: number }>();
  for (const event of newestFirst) {
    const text = describeEvent(event);
    const same = eventKind(event) === 'request' ? undefined : open.get(text);
    if (same && same.oldestAt - event.at <= foldGapMs) {
      same.line.count++;
      same.oldestAt = event.at;
      continue;
    }
    if (lines.length === limit) continue;
    const line = { event, text, count: 1 };
    lines.push(line);
    open.set(text, { line, oldestAt: event.at });
  }
  return lines;
}
