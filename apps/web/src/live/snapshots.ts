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

/** How often every node's snapshot is refreshed. */
export const snapshotPollMs = 1_000;

export class SnapshotPoller {
  private timer: ReturnType<typeof setInterval> | null = null;
  private busy = false;

  constructor(
    private readonly cluster: LiveCluster,
    private readonly store: LabStore,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), snapshotPollMs);
    void this.poll();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Refreshes every snapshot now (after a restart, so the inspector need not wait a second). */
  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
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
    } finally {
      this.busy = false;
    }
  }
}
