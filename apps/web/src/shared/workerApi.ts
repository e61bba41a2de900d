/**
 * The control surface of one node worker, as the page sees it through comlink. Control and client
 * requests go through here (start, connect, link table, request, pause, snapshot, stop);
 * node-to-node traffic flows over the `MessageChannel` ports handed to `connect`, never through the
 * page, and events come back in batches over the dedicated `events` port given to `start`.
 */

import type {
  ClusterEvent,
  KvRequest,
  LinkState,
  NodeId,
  NodeSnapshot,
  RecoverySummary,
  Version,
} from '@kvscope/engine';

/** Where a node keeps its files: OPFS (sync access handles) or the IndexedDB fallback. */
export type StorageBackend = 'opfs' | 'indexeddb';

export interface NodeStartOptions {
  id: NodeId;
  peers: NodeId[];
  /** The run's seed; the worker forks its node's stream from it. */
  seed: number;
  /** Protocol settings passed to the node (`NodeEnv.config`). */
  config: Record<string, unknown>;
  /** Where the worker posts `EventBatch`es. */
  events: MessagePort;
  /**
   * Client requests arrive here as `ClientRequest`s and their `KvReply`s leave here: a dedicated port
   * rather than comlink, whose per-call proxy bookkeeping costs more than the request itself.
   */
  requests: MessagePort;
  /** Delete the node's files before opening them: a wiped disk (a permanent failure). */
  wipe?: boolean;
  /** How far the node's clock runs ahead of (negative: behind) the page's, in ms (`setClockSkew`). */
  clockSkewMs?: number;
}

/** What a started worker reports: where its files are and what it recovered from them. */
export interface NodeStartResult {
  backend: StorageBackend;
  /** True when the node reopened existing files (a restart or a reload), false on an empty disk. */
  recovered: boolean;
  recovery: RecoverySummary;
  /** Set when the node found its files damaged while opening them: its disk was replaced (erased). */
  diskFailed?: string;
}

/** A client request as the page sends it to its coordinator. */
export interface ClientRequest {
  request: KvRequest;
  /**
   * Whether the page records it (the trace view, the log): false for a workload too fast to read
   * and for benchmarks, whose trace events the worker leaves out at full speed.
   */
  traced: boolean;
}

/** What the worker posts on its events port, at most every `eventBatchIntervalMs`. */
export interface EventBatch {
  node: NodeId;
  events: ClusterEvent[];
  /** Events dropped because the batch overflowed `eventBatchLengthMax` (the page shows the count). */
  dropped: number;
  /**
   * The node's messages since the last batch, counted instead of sent as `message.*` events when the
   * page does not draw single messages (`setMessageEvents(false)`); absent when nothing was counted.
   */
  messages?: MessageCounts;
  /**
   * Versions the node stored as a write's coordinator or replica since the last batch, counted
   * instead of sent as `version.stored` events under the same switch (three per put, the largest
   * share of a batch at full speed); stores from repairs, hints, anti-entropy and streams stay
   * events. Absent when 0.
   */
  stored?: number;
}

/**
 * Messages counted per peer and per type (drops per peer and per reason): what a node's traffic
 * was, without one event object per message. `sent` and `dropped` are keyed by the destination,
 * `delivered` by the sender.
 */
export interface MessageCounts {
  sent: Record<string, Record<string, number>>;
  delivered: Record<string, Record<string, number>>;
  dropped: Record<string, Record<string, number>>;
}

/** Outgoing link faults, keyed by destination node. Missing peers are healthy links. */
export type LinkTable = Record<string, LinkState>;

/** One replica's versions of a key (`NodeWorkerApi.storedVersions`), or why it could not read them. */
/** What opening a node's files needs: a start's options without its ports. */
export type DiskReadOptions = Pick<NodeStartOptions, 'id' | 'peers' | 'seed' | 'config'>;

export type StoredVersions = { stored: Version[]; hinted: Version[] } | { error: string };

export interface NodeWorkerApi {
  start(options: NodeStartOptions): Promise<NodeStartResult>;
  /** Bit rot on purpose: one bit of the node's largest table flipped on disk; where, or null (no table). */
  corruptTable(): { table: string; at: number } | null;
  /** Hands the worker its end of the channel to `peer`, replacing any earlier one. */
  connect(peer: NodeId, port: MessagePort): void;
  setLinks(table: LinkTable): void;
  /**
   * True: a `message.sent` / `delivered` / `dropped` event per message (the page draws each one);
   * false: per-peer counts in each batch instead (full speed, where links show rates), a count of the
   * versions stored by ordinary writes, and no trace events for untraced requests
   * (worker/fullSpeedEvents.ts). Default true.
   */
  setMessageEvents(on: boolean): void;
  /** Holds every input (messages, requests, timers) until `resume`: a stalled process. */
  pause(): void;
  resume(): void;
  /**
   * Clock skew: the node's clock runs `ms` ahead of (negative: behind) the page's from now on — the
   * one clock it stamps versions with and runs its timers by, as the simulator's `skew` fault.
   */
  setClockSkew(ms: number): void;
  /** Settings that change while running (the request timeout, with the network speed). */
  configure(patch: Record<string, unknown>): void;
  snapshot(): NodeSnapshot | null;
  /**
   * What this replica has stored for each of `keys` right now (read from its own store, no quorum,
   * no messages): the versions view's look into each replica (app/VersionsPanel.tsx) and a live
   * run's final state (live/liveRunCheck.ts). `hinted`: the versions it holds for another replica as
   * hints. Null before the node has started.
   */
  storedVersions(keys: readonly string[]): StoredVersions[] | null;
  /**
   * A crashed node's disk, read in a worker of its own that is never started: its files are copied
   * into memory and the node opened there, so recovery changes nothing on disk. What it would hold
   * for each of `keys` once restarted; null when its files are damaged (a restart would replace them).
   */
  readDisk(options: DiskReadOptions, keys: readonly string[]): Promise<StoredVersions[] | null>;
  /** Closes the node's files cleanly (a graceful stop, unlike terminating the worker). */
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
