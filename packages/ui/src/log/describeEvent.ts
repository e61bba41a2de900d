/**
 * One readable sentence per cluster event, for the event log and for tooltips: "put k17
 * acknowledged by n2 and n5 (W=2) in 3 ms", "n4 flushed its memtable to table 000012 (1,204
 * entries)". Pure: the same event always gives the same sentence (no clock, no locale), so it is
 * unit-tested and usable in the replay's transcripts.
 *
 * Every member of `ClusterEvent` has its own sentence. Event types this build does not know yet
 * (gossip, hints and Merkle exchanges are being added) still read sensibly: "n1: member.suspected —
 * peer n3, reporters n1, n4", so a new protocol is never invisible in the log.
 */

import { type ClusterEvent, formatClock } from '@kvscope/engine';
import {
  fileStem,
  formatCount,
  formatMs,
  formatPercent,
  formatSize,
  listOf,
  plural,
} from '../shared/format.ts';
import { describeFailureHandling } from './describeFailureHandling.ts';
import type { AnyEvent, EventOf, RequestCompleted, StorageEvent } from './eventTypes.ts';

const dropReasons: Record<EventOf<'message.dropped'>['reason'], (to: string) => string> = {
  cut: () => 'the link is cut',
  loss: () => 'lost on a lossy link',
  crashed: (to) => `${to} is down`,
  'queue-full': () => 'the send queue was full',
  invalid: () => 'it was not a valid message',
  'unknown-peer': (to) => `${to} is not a known peer`,
};

const quorumName = (op: string) => (op === 'get' ? 'R' : 'W');

export function describeEvent(event: AnyEvent): string {
  const e = event as ClusterEvent;
  switch (e.type) {
    case 'message.sent':
      return `${e.node} sent ${e.msg} #${e.id} to ${e.to}${e.deliverAt !== null ? ` (arrives in ${formatMs(Math.max(0, e.deliverAt - e.at))})` : ''}`;
    case 'message.delivered':
      return `${e.node} received ${e.msg} #${e.id} from ${e.from}`;
    case 'message.dropped':
      return `${e.msg} #${e.id} from ${e.node} to ${e.to} dropped: ${dropReasons[e.reason]?.(e.to) ?? e.reason}`;
    case 'node.started':
      return e.recovered
        ? `${e.node} restarted and recovered from its files`
        : `${e.node} started on an empty disk`;
    case 'node.crashed':
      return `${e.node} crashed`;
    case 'node.disk-failed':
      return `${e.node} found its own files damaged (${e.error}) and stopped: its disk is replaced, erased, and it restarts empty`;
    case 'node.paused':
      return `${e.node} paused`;
    case 'node.resumed':
      return `${e.node} resumed`;
    case 'peer.silent':
      return `${e.node} has not heard from ${e.peer} for ${formatMs(e.silentForMs)}`;
    case 'peer.heard-again':
      return `${e.node} hears ${e.peer} again`;
    case 'actor.renamed':
      return `${e.node} has ${e.reason === 'no-record' ? 'no record of' : 'a damaged record of'} the name its writes carried: it writes as ${e.actor} from now on, so its new clock entries are never taken for its old ones`;
    case 'request.started':
      return `${e.node} coordinates ${e.op} ${e.key}: asks ${listOf(e.replicas)}, needs ${quorumName(e.op)}=${e.needed}`;
    case 'request.forwarded':
      return `${e.node} forwards ${e.op} ${e.key} to ${e.to}, which is on its preference list`;
    case 'request.forward-expired':
      return `${e.node} gave up on ${e.to} after ${formatMs(e.waitedMs)}: ${e.to} never answered its forward of ${e.op} ${e.key}, so the client hears "unknown" (${e.to} may still have done it)`;
    case 'replica.answered':
      return `${e.replica} answered ${e.replica === e.node ? 'locally, as coordinator' : e.node} (request ${e.requestId})${e.ok ? '' : ' with a failure'}${e.late ? ', late: after the reply; it still feeds read repair' : ''}`;
    case 'request.completed':
      return describeCompletion(e);
    case 'version.stored':
      return `${e.node} stored a version of ${e.key} ${formatClock(e.clock)}${e.siblings > 1 ? ` (${e.siblings} siblings)` : ''} ${storedCause[e.cause]}`;
    case 'read-repair.sent':
      return `${e.node} repaired ${e.key} on ${replicasSeenBy(e.node, e.replicas)}, which returned stale versions`;
    case 'write-back.sent':
      return `${e.node} writes the result of its read of ${e.key} back to ${replicasSeenBy(e.node, e.replicas)} before replying: ${e.holders.length} of the ${e.needed} replicas needed ${e.holders.length === 1 ? 'holds' : 'hold'} it`;
    case 'write-back.acked':
      return e.ok
        ? `${e.replica} stored the write-back of request ${e.requestId} durably: ${plural(e.holders, 'replica')} ${e.holders === 1 ? 'holds' : 'hold'} the result`
        : `${e.replica} refused the write-back of request ${e.requestId}`;
    case 'storage':
      return `${e.node} ${describeStorage(e.event)}`;
    default:
      return describeFailureHandling(event) ?? describeUnknown(event);
  }
}

/** Replicas named from the coordinator's side: its own copy is "itself" ("n5 writes … back to itself"). */
function replicasSeenBy(node: string, replicas: readonly string[]): string {
  return listOf(replicas.map((replica) => (replica === node ? 'itself' : replica)));
}

const storedCause: Record<EventOf<'version.stored'>['cause'], string> = {
  coordinator: 'as coordinator',
  replica: 'as a replica',
  'hint-replay': 'from a hint a stand-in handed back',
  'read-repair': 'from a read repair',
  'anti-entropy': 'from an anti-entropy exchange',
  stream: 'from a range stream (a node joining or leaving)',
};

function describeCompletion(e: RequestCompleted): string {
  const q = `${quorumName(e.op)}=${e.needed}`;
  const verb = e.op === 'get' ? 'answered' : 'acknowledged';
  const by = e.answeredBy.length ? listOf(e.answeredBy) : 'no replica';
  if (e.outcome === 'ok') {
    const clock = e.clock ? ` → ${formatClock(e.clock)}` : '';
    return `${e.op} ${e.key} ${verb} by ${by} (${q}) in ${formatMs(e.latencyMs)}${clock}`;
  }
  const got = `${e.answeredBy.length} of ${q} ${e.op === 'get' ? 'answered' : 'acknowledged'}${e.answeredBy.length ? ` (${by})` : ''}`;
  const why = e.error ? `: ${e.error}` : '';
  if (e.outcome === 'fail') return `${e.op} ${e.key} failed after ${formatMs(e.latencyMs)}: ${got}${why}`;
  return `${e.op} ${e.key} timed out after ${formatMs(e.latencyMs)} with ${got}; it may or may not be stored${why}`;
}

/** The predicate of a sentence whose subject is the node ("n4 …"). */
export function describeStorage(s: StorageEvent): string {
  switch (s.type) {
    case 'log.appended':
      return `appended ${plural(s.records, 'record')} (${formatSize(s.bytes)}) to its commit log ${fileStem(s.file)}`;
    case 'log.synced':
      return `made its commit log durable (${plural(s.records, 'record')}, ${formatSize(s.bytes)})`;
    case 'log.rotated':
      return `started commit log ${fileStem(s.to)} (after ${fileStem(s.from)})`;
    case 'memtable.frozen':
      return `froze its memtable (${plural(s.entries, 'entry', 'entries')}, ${formatSize(s.bytes)}) to flush it`;
    case 'memtable.flushed':
      return `flushed its memtable to table ${fileStem(s.table)} (${plural(s.entries, 'entry', 'entries')})`;
    case 'table.written':
      return `wrote table ${fileStem(s.table)} at level ${s.level} (${plural(s.entries, 'entry', 'entries')}, ${formatSize(s.bytes)}) by ${s.reason}`;
    case 'table.deleted':
      return `deleted table ${fileStem(s.table)}`;
    case 'manifest.switched':
      return `switched its manifest (${plural(s.tables, 'table')}, commit log ${s.logNumber})`;
    case 'compaction.planned':
      return `plans a ${s.strategy} compaction of ${listOf(s.inputs.map(fileStem))} into level ${s.outputLevel} (${s.reason})`;
    case 'compaction.done':
      return `compacted ${plural(s.inputs.length, 'table')} into ${s.outputs.length} (read ${formatSize(s.bytesRead)}, wrote ${formatSize(s.bytesWritten)}; dropped ${plural(s.overwrittenDropped, 'overwritten version')} and ${plural(s.tombstonesDropped, 'tombstone')}); write amplification ${s.writeAmplification.toFixed(1)}×`;
    case 'bloom.counted':
      return `skipped ${plural(s.negatives, 'table read')} thanks to Bloom filters; ${formatCount(s.truePositives)} true and ${formatCount(s.falsePositives)} false positives`;
    case 'cache.counted': {
      const total = s.hits + s.misses;
      return `block cache: ${plural(s.hits, 'hit')}, ${plural(s.misses, 'miss', 'misses')}${total ? ` (${formatPercent(s.hits / total)} hit rate)` : ''}`;
    }
    case 'read.traced':
      return describeRead(s);
    case 'recovery.done':
      return `recovered: replayed ${plural(s.recordsReplayed, 'record')} from ${plural(s.logsReplayed, 'commit log')}, truncated ${formatSize(s.truncatedBytes)} of torn tail, opened ${plural(s.tables, 'table')}${s.orphansDeleted.length ? `, deleted ${plural(s.orphansDeleted.length, 'orphan file')}` : ''}`;
    case 'scrub.passed':
      return `scrubbed every table: ${plural(s.tables, 'table')}, ${plural(s.blocks, 'block')} (${formatSize(s.bytes)}) re-read from disk, every checksum good`;
    case 'storage.error':
      return `storage error ${s.code}: ${s.message}`;
    case 'events.dropped':
      return `dropped ${plural(s.count, 'storage event')} (too many between two drains)`;
    default:
      return `storage: ${(s as { type: string }).type}`;
  }
}

function describeRead(s: Extract<StorageEvent, { type: 'read.traced' }>): string {
  const skipped = s.tables.filter((t) => t.outcome === 'negative' || t.outcome === 'outsideRange').length;
  const checked = s.tables.length
    ? `, ${plural(s.tables.length, 'table')} considered, ${formatCount(skipped)} skipped`
    : '';
  const falsePositives = s.tables.filter((t) => t.outcome === 'falsePositive').length;
  const fp = falsePositives ? `, ${plural(falsePositives, 'Bloom false positive')}` : '';
  if (s.source === 'memtable') return `read ${s.key} from its memtable`;
  if (s.source === 'table') return `read ${s.key} from a table${checked}${fp}`;
  return `found no ${s.key}${checked}${fp}`;
}

/** A readable fallback for event types this build does not know: type and its simple fields. */
function describeUnknown(event: AnyEvent): string {
  const record = event as Record<string, unknown>;
  const details = Object.entries(record)
    .filter(([field]) => field !== 'type' && field !== 'at' && field !== 'node')
    .map(([field, value]) => {
      if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
        return `${field} ${value.join(', ')}`;
      }
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        return `${field} ${value}`;
      }
      return null;
    })
    .filter((part): part is string => part !== null);
  return `${event.node}: ${event.type}${details.length ? ` — ${details.join(', ')}` : ''}`;
}
