/**
 * The scenario file format (SPEC §3): what a scenario *is* once parsed — a cluster, a workload, a
 * timed fault schedule and a seed. `parseScenario` turns an untrusted JSON value into a `Scenario`
 * with every default filled in, so the runner and the lab never guess.
 *
 *   scenario.json ──ajv (scenario.schema.json)──▶ shape ok ──cross-field rules──▶ defaults ──▶ Scenario
 *
 * Invariants of a parsed `Scenario` (checked by `parseScenario`, relied on by the runner):
 * - node ids are unique; every node id and data-centre name used anywhere names a declared one;
 * - numeric R and W (cluster and per-request) are at most N; N equals the sum of `replicationPerDc`
 *   when that is given;
 * - faults are sorted by `atMs` (file order kept for ties), every `atMs` lies in
 *   [0, workload.durationMs], and the schedule is coherent (a node is restarted only while down,
 *   resumed only while paused, a data centre restored only while out).
 */

import type { LatencyDistribution } from '../simulation/network.ts';

/** SPEC 1.4 named consistency levels; a number is an explicit replica count. */
export const consistencyLevels = ['ONE', 'QUORUM', 'ALL', 'LOCAL_QUORUM', 'EACH_QUORUM'] as const;
export type ConsistencyLevelName = (typeof consistencyLevels)[number];
export type ConsistencyLevel = number | ConsistencyLevelName;

export const failureDetectors = ['gossip', 'local', 'phi'] as const;
export type FailureDetectorKind = (typeof failureDetectors)[number];

export const conflictModes = ['siblings', 'lww'] as const;
export type ConflictMode = (typeof conflictModes)[number];

export const quorumModes = ['sloppy', 'strict'] as const;
export type QuorumMode = (typeof quorumModes)[number];

/**
 * When a read that met disagreeing replicas repairs them (replication/readRepair.ts): `before-reply`
 * writes its result back until enough replicas hold it that every later read quorum meets it
 * (monotonic reads under strict quorums), then replies; `after-reply` replies at once and repairs
 * afterwards (SPEC 1.4, Dynamo's read repair), so a session may see a version and then miss it.
 */
export const readRepairModes = ['before-reply', 'after-reply'] as const;
export type ReadRepairMode = (typeof readRepairModes)[number];

export interface NodeSpec {
  id: string;
  dataCentre: string;
  /** Relative capacity: a node of weight 2 takes twice the virtual nodes (SPEC 1.2). */
  weight: number;
  /** Not started with the cluster: a `join` fault adds it later (SPEC 1.7). Joiners take weight 1. */
  joining?: boolean;
}

/**
 * Protocol timers. An absent field means "the protocol module's default" (constants.ts); the parser
 * does not invent values for modules it does not own.
 */
export interface TimeoutsSpec {
  /** A coordinator gives up on a get/put/delete after this long (the client sees `info`). */
  requestMs?: number;
  /** How long a coordinator keeps listening for late replies to repair them (SPEC 1.4). */
  readRepairMs?: number;
  gossipIntervalMs?: number;
  /** `T_fail`: a member whose heartbeat has not grown for this long is suspected. */
  failMs?: number;
  /** `T_cleanup`: a down member is forgotten after this long. */
  cleanupMs?: number;
  /** Hints older than this are dropped (anti-entropy must then repair). */
  hintWindowMs?: number;
  antiEntropyIntervalMs?: number;
}

export interface ClusterSpec {
  nodes: NodeSpec[];
  /** The data centres in order of first appearance among `nodes`. */
  dataCentres: string[];
  virtualNodes: number;
  n: number;
  r: ConsistencyLevel;
  w: ConsistencyLevel;
  /** Replicas per data centre (SPEC 1.3); absent with one data centre or when not asked for. */
  replicationPerDc?: Record<string, number>;
  detector: FailureDetectorKind;
  conflictMode: ConflictMode;
  quorum: QuorumMode;
  /** When a read repairs the replicas it found stale: before its reply (default) or after it. */
  readRepair: ReadRepairMode;
  /** Vector-clock pruning threshold; absent means the versioning module's default (SPEC 1.5). */
  clockEntriesMax?: number;
  /** One-way latency of a link inside a data centre. */
  latency: LatencyDistribution;
  /** One-way latency of a link between data centres (SPEC 1.3: slower than inside one). */
  interDcLatency: LatencyDistribution;
  timeouts: TimeoutsSpec;
  /** Grow and shrink with the load (SPEC 1.7); absent means a fixed membership. */
  autoscaler?: AutoscalerSpec;
  /** Each node's LSM settings (SPEC 1.8); absent fields keep the storage defaults (storage/options.ts). */
  storage: StorageSpec;
}

export const compactionStrategies = ['size-tiered', 'leveled'] as const;
export const compressionModes = ['auto', 'all', 'none'] as const;

/**
 * The storage knobs a scenario may set. The default memtable (4 MiB) is never filled by a simulated
 * run of a few thousand small writes, so a run with a small one is how flushes, compactions and
 * recovery from tables meet the cluster's faults.
 */
export interface StorageSpec {
  /** The memtable is flushed to a level-0 table once it holds this many bytes. */
  memtableBytes?: number;
  compaction?: (typeof compactionStrategies)[number];
  /** Which tables deflate their blocks: compaction output where it pays (auto), all, or none. */
  compression?: (typeof compressionModes)[number];
  /** The block cache's size; a small one sends reads to the files (where a `corrupt` fault is found). */
  blockCacheBytes?: number;
  /** How often each node scrubs a round of table blocks (storage/scrub.ts); 0 never. */
  scrubIntervalMs?: number;
}

/** The autoscaler policy's settings (membership/autoscaler.ts) and how often the runner asks it. */
export interface AutoscalerSpec {
  /** Operations per second per node (counted where they are coordinated) above which a node is added. */
  highLoadPerNode: number;
  lowLoadPerNode: number;
  minNodes: number;
  maxNodes: number;
  sustainMs: number;
  coolDownMs: number;
  intervalMs: number;
}

/** Relative weights of the operations a kv client issues; they need not sum to 1. */
export interface OperationMix {
  get: number;
  put: number;
  delete: number;
}

interface WorkloadCommon {
  /** Concurrent clients (Jepsen "processes"); each issues one operation at a time. */
  clients: number;
  /** Operations per simulated second, over all clients together. */
  ratePerSecond: number;
  /** The workload runs in [0, durationMs]; faults happen inside that span. */
  durationMs: number;
  /** Quiet time after the workload before final reads and the final state are taken. */
  settleMs: number;
  /** Per-request overrides of the cluster's R and W; absent means the cluster's. */
  r?: ConsistencyLevel;
  w?: ConsistencyLevel;
}

export interface KvWorkload extends WorkloadCommon {
  kind: 'kv';
  mix: OperationMix;
  /** Number of distinct keys (`k1` … `kN`). */
  keys: number;
  keyDistribution: 'uniform' | 'zipf';
  /** Bytes per written value. */
  valueBytes: number;
}

/** The Jepsen set test (TESTING T2): add integers to one key by read–union–write with context. */
export interface SetWorkload extends WorkloadCommon {
  kind: 'set';
  key: string;
  /** How many distinct integers are added, 0 … elements-1, each attempted once. */
  elements: number;
  /** R of the final read after the settle time; default N (read every replica). */
  finalReadR: ConsistencyLevel;
}

export type WorkloadSpec = KvWorkload | SetWorkload;

/** One direction of links from every node of `from` to every node of `to`. */
export interface LinkSelector {
  from: string[];
  to: string[];
  /** Apply to the reverse direction too (default true for slow and loss). */
  bothWays: boolean;
}

/**
 * A timed fault. Partitions have any shape: two nodes can talk exactly when some group contains
 * both, so groups may overlap (a bridge, a ring of majorities); every node must be in some group
 * (list it alone to isolate it). A partition replaces the one before it; one-way cuts stay. `heal`
 * returns the whole network to its configured state: it removes partitions, cuts, slow links and
 * lossy links, and ends data-centre cut-offs.
 */
export type FaultEvent =
  | { atMs: number; type: 'partition'; groups: string[][] }
  | { atMs: number; type: 'cut'; from: string[]; to: string[] }
  | { atMs: number; type: 'heal' }
  | { atMs: number; type: 'kill'; node: string; mode: 'process' | 'power' }
  | { atMs: number; type: 'restart'; node: string }
  | { atMs: number; type: 'pause'; node: string }
  | { atMs: number; type: 'resume'; node: string }
  | ({ atMs: number; type: 'slow'; latency: LatencyDistribution } & LinkSelector)
  | ({ atMs: number; type: 'loss'; probability: number; duplicate: number; reorder: number } & LinkSelector)
  /** The node's disk is erased; a running node crashes first, and it restarts empty (a permanent failure). */
  | { atMs: number; type: 'wipe'; node: string }
  /** Media damage: one bit flipped in one of the node's tables, found by a checksum when it is read. */
  | { atMs: number; type: 'corrupt'; node: string }
  /** `partition`: the data centre is cut off from the others; `power`: every node in it is killed. */
  | { atMs: number; type: 'dc-outage'; dc: string; mode: 'partition' | 'power' }
  | { atMs: number; type: 'dc-restore'; dc: string }
  | { atMs: number; type: 'skew'; node: string; ms: number }
  /** A node declared `joining` starts, streams the ranges it gains, then announces itself (SPEC 1.7). */
  | { atMs: number; type: 'join'; node: string }
  /**
   * The join is called off before the node serves (the lab's remove of a joining node): the node
   * stops for good and every member is told it is gone, so nothing waits on it any more.
   */
  | { atMs: number; type: 'cancel-join'; node: string }
  /** The node hands its ranges to their new owners, then leaves the cluster for good. */
  /** `force`: even when the nodes left behind could not keep N copies of every key. */
  | { atMs: number; type: 'decommission'; node: string; force: boolean };

export type FaultType = FaultEvent['type'];

export interface Scenario {
  name: string;
  description: string;
  /** 32-bit unsigned; the runner's `--seed` overrides it. */
  seed: number;
  cluster: ClusterSpec;
  workload: WorkloadSpec;
  faults: FaultEvent[];
}
