/**
 * A node worker's own counters (not the node's: the host loop's), added to the node's snapshot for
 * the inspector and summed over the workers by `npm run bench:lab` to show where a put's time goes.
 */

/** What the host loop spent its time on, for the inspector and for profiling the request path. */
export interface HostStats {
  /** Inputs stepped (messages, requests, ticks) and the milliseconds spent in `node.step`. */
  steps: number;
  stepMs: number;
  /** The longest single step and sync (ms): a memtable flush or compaction stalls the node. */
  stepMsMax: number;
  syncMsMax: number;
  /** Group commits that synced the log, the outputs they released, and the milliseconds in `sync`. */
  syncs: number;
  syncedOutputs: number;
  syncMs: number;
  /** Outputs held for a group commit, and their milliseconds from being stepped to being released. */
  heldOutputs: number;
  heldMs: number;
  /** Milliseconds from a commit being scheduled to it running (a busy node's commit delay, and inputs stepped ahead of it). */
  commitDelayMs: number;
  /** Messages sent to peers, the `postMessage` calls that carried them, and their milliseconds. */
  sends: number;
  posts: number;
  sendMs: number;
  /** Client requests answered and their milliseconds in this worker, arrival to reply. */
  requests: number;
  requestMs: number;
  /** Events emitted to the page. */
  events: number;
}

export function freshHostStats(): HostStats {
  return {
    steps: 0,
    stepMs: 0,
    stepMsMax: 0,
    syncMsMax: 0,
    syncs: 0,
    syncedOutputs: 0,
    syncMs: 0,
    heldOutputs: 0,
    heldMs: 0,
    commitDelayMs: 0,
    sends: 0,
    posts: 0,
    sendMs: 0,
    requests: 0,
    requestMs: 0,
    events: 0,
  };
}
