/**
 * The control surface of one node worker, as the page sees it through comlink. Only control goes
 * through here (start, connect, link table, snapshot, stop); node-to-node traffic flows over the
 * `MessageChannel` ports handed to `connect`, never through the page, and events come back in
 * batches over the dedicated `events` port given to `start`.
 */

import type { ClusterEvent, LinkState, NodeId, NodeSnapshot } from '@kvscope/engine';

export interface NodeStartOptions {
  id: NodeId;
  peers: NodeId[];
  /** The run's seed; the worker forks its node's stream from it. */
  seed: number;
  /** Protocol settings passed to the node (`NodeEnv.config`). */
  config: Record<string, unknown>;
  /** Where the worker posts `EventBatch`es. */
  events: MessagePort;
}

/** What the worker posts on its events port, at most every `eventBatchIntervalMs`. */
export interface EventBatch {
  node: NodeId;
  events: ClusterEvent[];
  /** Events dropped because the batch overflowed `eventBatchLengthMax` (the page shows the count). */
  dropped: number;
}

/** Outgoing link faults, keyed by destination node. Missing peers are healthy links. */
export type LinkTable = Record<string, LinkState>;

export interface NodeWorkerApi {
  start(options: NodeStartOptions): Promise<void>;
  /** Hands the worker its end of the channel to `peer`, replacing any earlier one. */
  connect(peer: NodeId, port: MessagePort): void;
  setLinks(table: LinkTable): void;
  snapshot(): NodeSnapshot | null;
  stop(): void;
}

/** How often a worker sends its event batch to the page: about two animation frames. */
export const eventBatchIntervalMs = 32;
/** Events per batch before the oldest are dropped (and counted): bounds page memory under bursts. */
export const eventBatchLengthMax = 2_000;

/** Wall-clock milliseconds on a time base shared by the page and every worker of the page. */
export function sharedNow(): number {
  return performance.timeOrigin + performance.now();
}
