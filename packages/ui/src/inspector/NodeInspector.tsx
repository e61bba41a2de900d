/**
 * The node inspector (SPEC §2, 1.8): one KvNode snapshot as readable tables — memtable, commit log,
 * SSTables by level with key ranges, sizes, entries and Bloom filter statistics (measured false-
 * positive rate against the target, with a verdict in words), compactions and write amplification,
 * block cache hit rate, compression ratio, the recovery after the last open — plus, when the page
 * passes them, the node's membership view and the hints it holds.
 *
 * Props:
 *   snapshot      KvNode `snapshot()` (see inspectorModel `KvNodeSnapshot`; `isKvNodeSnapshot`
 *                 narrows a generic `NodeSnapshot`)
 *   status        optional node state written in the heading ("up", "crashed" …)
 *   recovered     true when the node reopened existing files (node.started `recovered`): the
 *                 recovery section is then emphasised
 *   membership    optional rows of this node's failure-detector view (seam for gossip)
 *   hints         optional hint-store summary per absent owner (seam for hinted handoff)
 *   formatTime    how to write the snapshot's `at` (default "12.345 s")
 *   onFlush       optional: flush the memtable to a level-0 table now (a button in the Memtable
 *                 section; the lab's default memtable holds megabytes, so a class never fills it)
 *   onCompact     optional: merge every table into one now (a button in the Compaction section)
 *   onCorrupt     optional: flip one bit of the largest table on disk, as bit rot would (a button
 *                 in the Compaction section; found by a checksum when the block is next read)
 */

import { formatCount, formatMs, formatPercent, formatSize, plural } from '../shared/format.ts';
import { InspectorTables } from './InspectorTables.tsx';
import {
  type HintSummary,
  type KvNodeSnapshot,
  type MembershipRow,
  memtableFill,
  recoveredSomething,
  tableCount,
} from './inspectorModel.ts';
import { ActionButton, Meter, Section, statGrid } from './parts.tsx';

export interface NodeInspectorProps {
  snapshot: KvNodeSnapshot;
  status?: string;
  recovered?: boolean;
  membership?: readonly MembershipRow[];
  hints?: readonly HintSummary[];
  formatTime?: (at: number) => string;
  onFlush?: () => void;
  onCompact?: () => void;
  onCorrupt?: () => void;
}

export function NodeInspector({
  snapshot,
  status,
  recovered,
  membership,
  hints,
  formatTime,
  onFlush,
  onCompact,
  onCorrupt,
}: NodeInspectorProps) {
  const s = snapshot.storage;
  const time = (formatTime ?? ((at: number) => `${(at / 1000).toFixed(3)} s`))(snapshot.at);
  const r = s.recovery;
  return (
    <article
      data-testid="node-inspector"
      aria-label={`Node ${snapshot.id}`}
      style={{ fontSize: 15, lineHeight: 1.4 }}
    >
      <h3 style={{ margin: '0 0 6px', fontSize: 19 }}>
        {snapshot.id}
        {status ? ` · ${status}` : ''}
        <span style={{ fontWeight: 400, color: '#57606a', fontSize: 15 }}>
          {' '}
          · snapshot at {time} · {plural(snapshot.inFlight, 'request')} in flight ·{' '}
          {formatCount(snapshot.forwards)} forwarded · last sequence {formatCount(s.lastSeq)}
        </span>
      </h3>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(260px, 1fr))', gap: 12 }}>
        <Section title="Memtable">
          <Meter
            value={memtableFill(s)}
            label={`${formatSize(s.memtable.bytes)} of ${formatSize(s.memtable.bytesMax)}`}
          />
          {statGrid([
            ['entries', formatCount(s.memtable.entries)],
            ['tombstones', formatCount(s.memtable.tombstones)],
            [
              'flushing',
              s.immutableMemtable
                ? `${plural(s.immutableMemtable.entries, 'entry', 'entries')}, ${formatSize(s.immutableMemtable.bytes)}`
                : 'no',
            ],
          ])}
          {onFlush ? (
            <ActionButton onClick={onFlush} disabled={s.memtable.entries === 0} testId="inspector-flush">
              Flush to a table now
            </ActionButton>
          ) : null}
        </Section>
        <Section title="Commit log">
          {statGrid([
            ['file', s.log.file],
            ['size', formatSize(s.log.bytes)],
            ['durable', formatSize(s.log.syncedBytes)],
            ['records not yet durable', formatCount(s.log.unsyncedRecords)],
          ])}
        </Section>
        <Section title="Block cache and compression">
          <Meter value={s.cache.hitRate} label={`hit rate ${formatPercent(s.cache.hitRate)}`} />
          {statGrid([
            ['hits / misses', `${formatCount(s.cache.hits)} / ${formatCount(s.cache.misses)}`],
            [
              'cached',
              `${plural(s.cache.blocks, 'block')}, ${formatSize(s.cache.bytes)} of ${formatSize(s.cache.bytesMax)}`,
            ],
            ['compression', `${s.compressionRatio.toFixed(2)}× (raw ÷ stored)`],
          ])}
        </Section>
        <Section title="Compaction">
          {statGrid([
            ['strategy', s.compaction.strategy],
            ['compactions', formatCount(s.compaction.done)],
            [
              'read / written',
              `${formatSize(s.compaction.bytesRead)} / ${formatSize(s.compaction.bytesWritten)}`,
            ],
            ['user bytes', formatSize(s.compaction.userBytes)],
            ['write amplification', `${s.compaction.writeAmplification.toFixed(2)}×`],
          ])}
          {onCompact ? (
            <ActionButton onClick={onCompact} disabled={tableCount(s) === 0} testId="inspector-compact">
              Compact all tables now
            </ActionButton>
          ) : null}
        </Section>
        <Section title="Scrubbing (bit rot)" testId="inspector-scrub">
          <p className="muted small" style={{ margin: '0 0 4px' }}>
            Re-reads its tables from disk, past the cache, and checks every block's checksum. Damage found
            means a failed disk: the node is erased and rebuilt from the other replicas.
          </p>
          {statGrid([
            [
              'rounds',
              s.scrub.intervalMs > 0
                ? `${plural(s.scrub.blocksPerRound, 'block')} every ${formatMs(s.scrub.intervalMs)}`
                : 'off',
            ],
            ['passes over every table', formatCount(s.scrub.passes)],
            ['verified', `${plural(s.scrub.blocksVerified, 'block')}, ${formatSize(s.scrub.bytesVerified)}`],
          ])}
          {onCorrupt ? (
            <ActionButton onClick={onCorrupt} disabled={tableCount(s) === 0} testId="inspector-corrupt">
              Flip a bit on disk (bit rot)
            </ActionButton>
          ) : null}
        </Section>
        <Section title="Recovery (last open)" highlight={recovered === true}>
          <p data-testid="inspector-recovery" style={{ margin: 0 }}>
            {recoveredSomething(s)
              ? `Replayed ${plural(r.recordsReplayed, 'record')} from ${formatCount(r.logsReplayed)} commit log${r.logsReplayed === 1 ? '' : 's'}; truncated ${formatSize(r.truncatedBytes)} of torn tail${r.orphansDeleted.length ? `; deleted orphans ${r.orphansDeleted.join(', ')}` : ''}.`
              : 'Opened on an empty disk: nothing to replay.'}
          </p>
          {snapshot.actor !== undefined && snapshot.actor !== snapshot.id ? (
            <p data-testid="inspector-actor" style={{ margin: '4px 0 0' }}>
              Writes as <code>{snapshot.actor}</code> in vector clocks: it started without the record of its
              earlier name, so its new counters are kept apart from the old ones.
            </p>
          ) : null}
          {snapshot.rebalance?.phase === 'rebuilding' ? (
            <p data-testid="inspector-rebuild" style={{ margin: '4px 0 0' }}>
              Rebuilding: it lost its disk, so it answers no reads until it has pulled its ranges back from
              the other replicas ({plural(snapshot.rebalance.waiting, 'stream')} to go).
            </p>
          ) : null}
          {snapshot.rebalance?.phase === 'decommissioning' ? (
            <p data-testid="inspector-leaving" style={{ margin: '4px 0 0' }}>
              {leavingSentence(
                snapshot.rebalance.waiting,
                (hints ?? []).reduce((sum, h) => sum + h.count, 0),
                snapshot.rebalance.forwardsUnackedTo,
              )}
            </p>
          ) : null}
          {(snapshot.rebalance?.fencedRanges ?? 0) > 0 ? (
            <p data-testid="inspector-fences" style={{ margin: '4px 0 0' }}>
              Serves no reads or writes in {plural(snapshot.rebalance?.fencedRanges ?? 0, 'range')} it hands
              to a joining node, until its ring shows that node.
            </p>
          ) : null}
        </Section>
      </div>
      <InspectorTables storage={s} membership={membership} hints={hints} />
    </article>
  );
}

/** What a decommissioning node still does before it leaves: streams, hints, forwarded writes. */
function leavingSentence(streams: number, hints: number, forwardsTo: readonly string[] = []): string {
  const left = [
    streams > 0 ? `${formatCount(streams)} range stream${streams === 1 ? '' : 's'} to finish` : '',
    hints > 0 ? `${formatCount(hints)} hint${hints === 1 ? '' : 's'} to deliver` : '',
    forwardsTo.length > 0 ? `writes forwarded to ${forwardsTo.join(', ')} to be acknowledged` : '',
  ].filter(Boolean);
  const waits = left.length > 0 ? left.join('; ') : 'nothing: it leaves at its next step';
  return `Leaving: it hands its ranges to the nodes that gain them, then announces its departure. Still waiting for: ${waits}.`;
}
