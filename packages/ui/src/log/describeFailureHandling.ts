/**
 * Sentences for the failure-handling events (membership verdicts, hinted handoff, anti-entropy,
 * membership changes) and
 * for the faults the lab page injects itself (`lab.fault`, carrying its own label), so the event
 * log reads "n1 suspects n3 (silent for 5.2 s)" rather than a field dump. Returns null for any other
 * type, which describeEvent handles or writes with its fallback.
 */

import { formatMs, formatPercent, formatSize, listOf, plural } from '../shared/format.ts';
import type { AnyEvent } from './eventTypes.ts';

type Fields = Record<string, unknown>;
const str = (v: unknown) => String(v);
const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const ids = (v: unknown) => (Array.isArray(v) ? v.map(str) : []);
const list = (v: unknown) => listOf(ids(v));

/** What a finished range movement means for the node, by its kind. */
const finishedChange: Record<string, string> = {
  bootstrap: 'has its ranges and serves',
  rebuild: 'has its ranges back and answers reads again',
  decommission: 'has handed its ranges over and leaves',
};

const sentences: Record<string, (e: Fields) => string> = {
  'member.suspected': (e) => `${e.node} suspects ${e.member} (silent for ${formatMs(num(e.silentForMs))})`,
  'member.down': (e) =>
    e.detector === 'phi'
      ? `${e.node} declares ${e.member} down on its own evidence: φ reached the phi-accrual threshold`
      : e.detector === 'local'
        ? `${e.node} declares ${e.member} down on its own evidence (local detector)`
        : `${e.node} declares ${e.member} down (reported by ${list(e.reportedBy)})`,
  'member.alive': (e) => `${e.node} hears ${e.member} again: alive (was ${e.was})`,
  'member.joined': (e) => `${e.node} learns of ${e.member} (via ${e.via})`,
  'member.left': (e) =>
    e.via
      ? `${e.node} learns from ${e.via}'s ring that ${e.member} left (gossip had stopped announcing it)`
      : `${e.node} learns that ${e.member} left`,
  'member.removed': (e) => `${e.node} forgets ${e.member} (was ${e.was})`,
  'hint.stored': (e) => `${e.node} stands in for ${e.owner}: keeps a hint for ${e.key}`,
  'hint.replayed': (e) =>
    `${e.node} hands ${e.key} back to ${e.owner} (the hint waited ${formatMs(num(e.heldMs))})`,
  'hint.rerouted': (e) =>
    e.to === e.node
      ? `${e.node} stores its hint for ${e.key} itself: ${e.owner} left the ring, and ${e.node} is a replica of ${e.key} now`
      : `${e.node} hands its hint for ${e.key} to ${e.to}: ${e.owner} left the ring`,
  'hint.dropped': (e) =>
    `${e.node} drops its hint for ${e.key} meant for ${e.owner} (${formatMs(num(e.ageMs))} old)`,
  'antientropy.started': (e) => `${e.node} compares one range's Merkle tree with ${e.peer} (${e.trigger})`,
  'antientropy.level': (e) =>
    `${e.node} and ${e.peer} compare ${plural(num(e.compared), 'Merkle tree node')} at depth ${num(e.depth)}: ${num(e.differing) === 0 ? 'all agree' : num(e.differing) === 1 ? 'one differs' : `${num(e.differing)} differ`}`,
  'antientropy.repaired': (e) =>
    `${e.node} repaired ${plural(num(e.keys), 'key')} from ${e.peer} (${formatSize(num(e.bytes))})`,
  'antientropy.done': (e) =>
    e.outcome === 'in-sync'
      ? `${e.node} and ${e.peer} are in sync (${plural(num(e.messages), 'message')}, ${formatSize(num(e.bytes))})`
      : `${e.node} ↔ ${e.peer} anti-entropy ${e.outcome}: ${plural(num(e.keysRepaired), 'key')} moved, ${formatSize(num(e.bytes))} in ${formatMs(num(e.durationMs))}`,
  'antientropy.quiet': (e) =>
    `${e.node} and ${e.peer} compare ${num(e.exchanges) === 1 ? "one range's Merkle tree" : `${num(e.exchanges)} ranges' Merkle trees`}${e.trigger && e.trigger !== 'mixed' ? ` (${e.trigger})` : ''}: all in sync (${plural(num(e.messages), 'message')}, ${formatSize(num(e.bytes))})`,
  'ring.changed': (e) => {
    const changes = [...ids(e.added).map((id) => `+${id}`), ...ids(e.removed).map((id) => `−${id}`)];
    return `${e.node}'s ring changes (${changes.join(' ')}): ${formatPercent(num(e.movedFraction))} of it moves`;
  },
  'ring.restored': (e) =>
    e.from === 'disk'
      ? `${e.node} restarts with its saved ring (${list(e.members)})${e.left ? ' and stays left' : ''}`
      : `${e.node} cannot trust its saved ring (${e.problem}); it starts from its configuration`,
  'ring.waitsForJoiner': (e) =>
    `${e.node} waits before it serves: a peer is handing ranges to ${e.joiner}, which ${e.node}'s ring does not show yet`,
  'rebalance.finished': (e) =>
    `${e.node} ${finishedChange[str(e.kind)] ?? 'has handed its ranges over and leaves'}: ${plural(num(e.keys), 'key')} in ${plural(num(e.streams), 'stream')}, ${formatMs(num(e.ms))}`,
  'rebuild.started': (e) =>
    `${e.node} lost its disk: it pulls ${plural(num(e.ranges), 'range')} back from ${list(e.from)} and answers reads once they are here`,
  'stream.started': (e) =>
    e.direction === 'in'
      ? `${e.node} starts receiving a range from ${e.peer} (stream ${e.stream})`
      : `${e.node} starts streaming a range to ${e.peer} (stream ${e.stream})`,
  'stream.done': (e) =>
    `${e.node} ${e.direction === 'in' ? 'received' : 'sent'} ${plural(num(e.keys), 'key')} (${formatSize(num(e.bytes))}) ${e.direction === 'in' ? 'from' : 'to'} ${e.peer} in ${formatMs(num(e.ms))}`,
  'streams.started': (e) => {
    const [to, verb] = e.direction === 'in' ? ['from', 'starts receiving'] : ['to', 'starts streaming'];
    const peers = ids(e.peers);
    const perPeer = (e.perPeer ?? {}) as Record<string, number>;
    return peers.length === 1
      ? `${e.node} ${verb} ${plural(num(e.streams), 'range')} ${to} ${peers[0]}`
      : `${e.node} ${verb} ${plural(num(e.streams), 'range')}: ${listOf(peers.map((p) => `${num(perPeer[p])} ${to} ${p}`))}`;
  },
  'streams.done': (e) =>
    `${e.node} ${e.direction === 'in' ? 'received' : 'sent'} ${plural(num(e.keys), 'key')} (${formatSize(num(e.bytes))}) in ${plural(num(e.streams), 'stream')} ${e.direction === 'in' ? 'from' : 'to'} ${list(e.peers)}, the longest ${formatMs(num(e.ms))}`,
  'rebalance.refused': (e) => `${e.node} refuses the membership change: ${e.error}`,
  'range.cleaned': (e) =>
    `${e.node} deletes ${plural(num(e.keysRemoved), 'key')} it handed to ${e.peer} and no longer replicates${num(e.keysKept) > 0 ? ` (keeps ${num(e.keysKept)})` : ''}`,
  'range.fenced': (e) =>
    `${e.node} stops serving ${plural(num(e.ranges), 'range')} it hands to ${e.peer}, so that ${e.peer} misses no write when it starts to serve them`,
  'range.strays': (e) =>
    `${e.node} holds ${plural(num(e.keys), 'key')} of ranges it no longer replicates (the ring changed while it was away): it hands them to ${list(e.to)}, then deletes them`,
  'lab.fault': (e) => str(e.label),
};

export function describeFailureHandling(event: AnyEvent): string | null {
  const sentence = sentences[event.type];
  return sentence ? sentence(event as Fields) : null;
}
