/**
 * Polls every running node's snapshot (storage, membership table, and whatever a protocol adds)
 * into the lab store, once a second: the inspector, the who-thinks-who-is-alive matrix and the
 * gossip states on the cluster and the ring all read these. A node that is not running has none.
 *
 * One poll at a time: a paused worker still answers (pause holds node inputs, not control calls),
 * but a slow one must not pile polls up.
 */

import type { NodeSnapshot } from '@kvscope/engine';
import type { LabStore } from './labStore.ts';
import type { LiveCluster } from './liveCluster.ts';
import { Repeating } from './repeating.ts';

/** How often every node's snapshot is refreshed. */
export const snapshotPollMs = 1_000;

export class SnapshotPoller {
  private readonly rounds = new Repeating(snapshotPollMs, () => this.take());

  constructor(
    private readonly cluster: LiveCluster,
    private readonly store: LabStore,
  ) {}

  start(): void {
    this.rounds.start();
    void this.poll();
  }

  stop(): void {
    this.rounds.stop();
  }

  /** Refreshes every snapshot now (after a restart, so the inspector need not wait a second). */
  poll(): Promise<void> {
    return this.rounds.run();
  }

  private async take(): Promise<void> {
    const ids = this.store.getState().order;
    const taken = await Promise.all(
      ids.map((id) =>
        this.cluster.isRunning(id)
          ? (this.cluster.snapshot(id) as Promise<NodeSnapshot | null>).catch(() => null)
          : null,
      ),
    );
    const snapshots: Record<string, NodeSnapshot | null> = {};
    ids.forEach((id, i) => {
      snapshots[id] = this.cluster.isRunning(id) ? (taken[i] ?? null) : null;
    });
    this.store.setState({ snapshots });
  }
}
