/**
 * The node inspector (NodeInspector) of the selected node, from its latest polled snapshot: memtable,
 * commit log, SSTables by level with Bloom filter statistics, cache, compression, compaction, the
 * recovery of its last start, its membership view (who it believes alive) and the hints it holds,
 * with buttons that flush its memtable, compact its tables or flip a bit of one on disk (not while
 * it is paused).
 * Below, what the worker's host loop did: how many writes each group commit made durable at once.
 */

import type { NodeId, NodeSnapshot } from '@kvscope/engine';
import { type HintSummary, isKvNodeSnapshot, type MembershipRow, NodeInspector } from '@kvscope/ui';
import { skewWords } from '../live/clocks.ts';
import { membershipOf } from '../live/gossip.ts';
import type { LabState } from '../live/labStore.ts';
import type { LiveCluster } from '../live/liveCluster.ts';
import { formatLabTime } from './formatTime.ts';

/** The worker's own counters, added to the node's snapshot by node.worker.ts. */
interface HostStats {
  syncs: number;
  syncedOutputs: number;
  syncMs: number;
}

function hostStatsOf(snapshot: NodeSnapshot): HostStats | null {
  const host = snapshot.host as HostStats | undefined;
  return host && typeof host.syncs === 'number' ? host : null;
}

function membershipRows(snapshot: NodeSnapshot): MembershipRow[] | undefined {
  const rows = membershipOf(snapshot);
  return rows?.map((row) => ({
    member: row.id,
    status: row.status,
    heartbeat: row.heartbeat,
    silentForMs: row.silentForMs,
    suspectedBy: row.reporters,
    ...(row.phi === undefined ? {} : { phi: row.phi }),
  }));
}

function hintRows(state: LabState, id: NodeId): HintSummary[] {
  return Object.entries(state.hints[id] ?? {}).map(([owner, count]) => ({ owner, count }));
}

export function InspectorPanel({
  state,
  cluster,
  id,
}: {
  state: LabState;
  cluster: LiveCluster;
  id: NodeId | null;
}) {
  if (!id) {
    return (
      <p className="panel muted" data-testid="inspector">
        Choose a node (click it in the cluster, the ring's legend or the table) to inspect its storage.
      </p>
    );
  }
  const node = state.nodes[id];
  const snapshot = state.snapshots[id];
  const host = snapshot ? hostStatsOf(snapshot) : null;
  // A skewed node's snapshot is taken at its own clock's time (clocks.ts).
  const skew = state.clockSkews[id] ?? 0;
  return (
    <section className="panel" aria-label={`Inspector of ${id}`} data-testid="inspector">
      {node?.error && <p className="refusal">{node.error}</p>}
      {node?.status === 'crashed' || !snapshot || !isKvNodeSnapshot(snapshot) ? (
        <>
          <h2>
            Node {id} <span className="muted small">{node?.status}</span>
          </h2>
          <p className="muted" data-testid="inspector-empty">
            {node?.status === 'crashed'
              ? `${id} is down (its worker was terminated): no live snapshot. Restart it to watch it recover from its files.`
              : 'Waiting for the first snapshot…'}
          </p>
        </>
      ) : (
        <>
          <NodeInspector
            snapshot={snapshot}
            status={node?.status ?? 'starting'}
            recovered={node?.recovery?.recovered ?? false}
            membership={membershipRows(snapshot) ?? []}
            hints={hintRows(state, id)}
            formatTime={(at) =>
              skew ? `${formatLabTime(at)} by its clock, ${skewWords(skew)}` : formatLabTime(at)
            }
            {...(node?.status === 'paused'
              ? {}
              : {
                  onFlush: () => void cluster.configureNode(id, { storage: 'flush' }),
                  onCompact: () => void cluster.configureNode(id, { storage: 'compact' }),
                  onCorrupt: () => void cluster.corruptTable(id),
                })}
          />
          <p className="muted small" data-testid="inspector-host">
            Files on {node?.backend === 'opfs' ? 'OPFS' : 'IndexedDB'}
            {node?.recovery?.recovered ? ' · reopened existing files' : ' · started on an empty disk'}
            {host && host.syncs > 0
              ? ` · group commit: ${host.syncs} log syncs made ${host.syncedOutputs} outputs durable (${(host.syncedOutputs / host.syncs).toFixed(1)} per sync, ${(host.syncMs / host.syncs).toFixed(2)} ms each)`
              : ''}
          </p>
        </>
      )}
    </section>
  );
}
