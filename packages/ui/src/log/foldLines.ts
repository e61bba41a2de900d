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
 * Quiet anti-entropy: one line per pair of nodes for the exchanges that found their range in sync.
 * Anti-entropy compares one Merkle tree per shared range, and each exchange wrote three sentences
 * (it starts, the roots agree, in sync); anti-entropy was about 60% of the events of a 2.5-minute
 * lab session (2 ops/s, a partition, a pause, a wipe), and still most of a quiet cluster's log once
 * repeats were folded. Folded: "n2 and n6 compare 3 ranges' Merkle trees: all in sync (6 messages,
 * 150 B)". An exchange that found a difference, repaired keys, timed out or is still running keeps
 * every event: that is what the log is for.
 *
 * Repeats: identical sentences within `foldGapMs` of each other are one line with a count.
 * Requests never fold: two puts of one key are two requests, each with its own trace.
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

/** The folded line of quiet exchanges between two nodes: how many, and their traffic. */
export interface FoldedExchanges {
  type: 'antientropy.quiet';
  /** When the last of them ended. */
  at: number;
  /** The pair, in id order (`peers` too, so that the node filter finds both). */
  node: string;
  peer: string;
  peers: string[];
  exchanges: number;
  messages: number;
  bytes: number;
  /** `periodic`, `manual` …: the exchanges' trigger when they share one, else ''. */
  trigger: string;
  first: AnyEvent;
  [field: string]: unknown;
}

/**
 * The identity of a log line: a folded line (every one carries the `first` event it stands for, and
 * no engine event has that field) is its first event's, so React keys stay put as it grows.
 */
export function lineIdentity(event: AnyEvent): object {
  const first = (event as { first?: unknown }).first;
  return typeof first === 'object' && first !== null ? first : event;
}

/**
 * The events, oldest first, with the events of each finished in-sync anti-entropy exchange replaced
 * by one line per pair of nodes and round: the exchanges that ended within `foldGapMs` of the
 * line's first. Not chained from one to the next like streams: a quiet pair exchanges about once a
 * second for as long as the lab runs, and one line would grow forever and stay on top of the log.
 */
export function foldQuietExchanges(events: readonly AnyEvent[]): AnyEvent[] {
  const quiet = quietExchanges(events);
  if (quiet.size === 0) return [...events];
  const out: (AnyEvent | FoldedExchanges)[] = [];
  const open = new Map<string, { line: FoldedExchanges; firstAt: number }>();
  const lineOf = new Map<string, FoldedExchanges>();
  for (const event of events) {
    const exchange = exchangeOf(event);
    const done = exchange === null ? undefined : quiet.get(exchange);
    if (exchange === null || done === undefined) {
      out.push(event);
      continue;
    }
    let line = lineOf.get(exchange);
    if (!line) {
      const pair = [done.node, String((done as Record<string, unknown>).peer)].sort(byId);
      const key = pair.join(' ');
      let group = open.get(key);
      if (!group || done.at - group.firstAt > foldGapMs) {
        group = { line: newQuietLine(pair, event), firstAt: done.at };
        open.set(key, group);
        out.push(group.line);
      }
      line = group.line;
      addQuiet(line, done);
      lineOf.set(exchange, line);
    }
    if (event.type === 'antientropy.started') noteTrigger(line, event);
  }
  return out;
}

/** Exchange id → its `done` event, for exchanges that ended in sync with no difference seen. */
function quietExchanges(events: readonly AnyEvent[]): Map<string, AnyEvent> {
  const quiet = new Map<string, AnyEvent>();
  const loud = new Set<string>();
  for (const event of events) {
    const exchange = exchangeOf(event);
    if (exchange === null) continue;
    const record = event as Record<string, unknown>;
    if (event.type === 'antientropy.done') {
      if (record.outcome === 'in-sync') quiet.set(exchange, event);
      else loud.add(exchange);
    } else if (event.type === 'antientropy.repaired' || numberOr0(record.differing) > 0) loud.add(exchange);
  }
  for (const exchange of loud) quiet.delete(exchange);
  return quiet;
}

function exchangeOf(event: AnyEvent): string | null {
  if (!event.type.startsWith('antientropy.')) return null;
  const exchange = (event as Record<string, unknown>).exchange;
  return typeof exchange === 'string' ? exchange : null;
}

function newQuietLine(pair: string[], first: AnyEvent): FoldedExchanges {
  const [node = '', peer = ''] = pair;
  return {
    type: 'antientropy.quiet',
    at: first.at,
    node,
    peer,
    peers: pair,
    exchanges: 0,
    messages: 0,
    bytes: 0,
    trigger: '',
    first,
  };
}

function addQuiet(line: FoldedExchanges, done: AnyEvent): void {
  const record = done as Record<string, unknown>;
  line.exchanges++;
  line.messages += numberOr0(record.messages);
  line.bytes += numberOr0(record.bytes);
  line.at = Math.max(line.at, done.at);
}

function noteTrigger(line: FoldedExchanges, started: AnyEvent): void {
  const trigger = String((started as Record<string, unknown>).trigger ?? '');
  if (line.trigger === '') line.trigger = trigger;
  else if (line.trigger !== trigger) line.trigger = 'mixed';
}

const byId = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

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
    folded.peers.sort(byId);
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
