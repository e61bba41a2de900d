/**
 * The node inspector: one node's storage as its worker reports it (a `StorageSnapshot`, polled) —
 * memtable, commit log, SSTables by level with their Bloom filter statistics, block cache, compaction
 * and the recovery of its last start. A wiped node shows empty tables here.
 */

import type { NodeId, StorageSnapshot } from '@kvscope/engine';
import { useEffect, useState } from 'react';
import type { LiveNode } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';

/** How often the inspector asks the worker for a fresh snapshot. */
export const inspectorPollMs = 1_000;

export function InspectorPanel({
  cluster,
  id,
  node,
}: {
  cluster: LiveCluster;
  id: NodeId | null;
  node: LiveNode | undefined;
}) {
  const [storage, setStorage] = useState<StorageSnapshot | null>(null);
  const status = node?.status;
  useEffect(() => {
    setStorage(null);
    if (!id || status === 'crashed') return;
    let live = true;
    const poll = async () => {
      const snap = await cluster.snapshot(id);
      if (live) setStorage((snap?.storage as StorageSnapshot | undefined) ?? null);
    };
    void poll();
    const timer = setInterval(() => void poll(), inspectorPollMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [cluster, id, status]);
  if (!id) return null;
  const tables = storage?.levels.flatMap((l) => l.tables) ?? [];
  return (
    <section className="panel" aria-label={`Inspector of ${id}`} data-testid="inspector">
      <h2>
        Node {id} <span className="muted small">{node?.status}</span>
      </h2>
      {node?.error && <p className="refusal">{node.error}</p>}
      {!storage ? (
        <p className="muted">{status === 'crashed' ? 'The node is down: no live snapshot.' : 'Loading…'}</p>
      ) : (
        <dl className="facts">
          <dt>files</dt>
          <dd data-testid="inspector-backend">
            {node?.backend === 'opfs' ? 'OPFS' : 'IndexedDB'} · {storage.label}
          </dd>
          <dt>memtable</dt>
          <dd data-testid="inspector-memtable">
            {storage.memtable.entries} entries · {storage.memtable.bytes.toLocaleString()} of{' '}
            {storage.memtable.bytesMax.toLocaleString()} bytes
          </dd>
          <dt>commit log</dt>
          <dd>
            {storage.log.file} · {storage.log.bytes.toLocaleString()} bytes (
            {storage.log.syncedBytes.toLocaleString()} synced)
          </dd>
          <dt>SSTables</dt>
          <dd data-testid="inspector-tables">
            {tables.length} table(s)
            {tables.map((t) => (
              <div key={t.id} className="small">
                L{t.level} {t.file}: {t.entries} entries, {t.smallest}…{t.largest}, Bloom {t.filter.negatives}{' '}
                skipped · {t.filter.falsePositives} false positives
              </div>
            ))}
          </dd>
          <dt>cache</dt>
          <dd>
            {storage.cache.hits} hits · {storage.cache.misses} misses (
            {Math.round(storage.cache.hitRate * 100)}%)
          </dd>
          <dt>compaction</dt>
          <dd>
            {storage.compaction.strategy}: {storage.compaction.done} done, write amplification{' '}
            {storage.compaction.writeAmplification.toFixed(2)}
          </dd>
          <dt>last start</dt>
          <dd data-testid="inspector-recovery">
            {node?.recovery?.recovered
              ? `recovered: ${storage.recovery.recordsReplayed} log records replayed from ${storage.recovery.logsReplayed} log(s)${storage.recovery.truncatedBytes ? `, ${storage.recovery.truncatedBytes} torn bytes cut` : ''}`
              : 'started on an empty disk'}
          </dd>
        </dl>
      )}
    </section>
  );
}
