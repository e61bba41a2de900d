/**
 * The settings of a key-value node, read from the untyped `NodeEnv.config` a driver passes (the
 * simulator and the runner from a scenario, the lab from its settings panel), with defaults from
 * constants.ts. Impossible settings (R or W > N, an unknown read-repair mode) are refused with a
 * `KV_INVALID_ARGUMENT` sentence before a node starts.
 */

import {
  antiEntropyIntervalMs,
  hintWindowMs,
  readRepairWaitMs,
  replicationFactorDefault,
  requestTimeoutMs,
  virtualNodesDefault,
} from '../constants.ts';
import { isKvError, type KvError, kvError } from '../errors.ts';
import type { MembershipSettings } from '../membership/settings.ts';
import { membershipSettingsFrom } from '../membership/settings.ts';
import type { NodeId } from '../protocol/ids.ts';
import type { CoordinatorSettings } from '../replication/coordinator.ts';
import { checkQuorum, replicaCountOf } from '../replication/requests.ts';
import { type Placement, placementOf, replicationFactorOf } from '../ring/placement.ts';
import type { RingMember } from '../ring/ring.ts';
import {
  type ConflictMode,
  type ConsistencyLevel,
  type QuorumMode,
  type ReadRepairMode,
  readRepairModes,
} from '../scenario/types.ts';
import type { LsmOptions } from '../storage/options.ts';

export interface KvNodeConfig {
  /** Every member of the cluster, in a stable order (the ring is built from it). */
  members: RingMember[];
  virtualNodes: number;
  n: number;
  /** Replicas per data centre (SPEC 1.3); absent: N replicas anywhere on the ring. */
  replicationPerDc?: Record<string, number>;
  /** Where a key's replicas live: `replicationPerDc` when set, else `n` (ring/placement.ts). */
  placement: Placement;
  r: ConsistencyLevel;
  w: ConsistencyLevel;
  conflictMode: ConflictMode;
  requestTimeoutMs: number;
  readRepairWaitMs: number;
  /**
   * `before-reply` (default): a read whose result is not yet on enough replicas writes it back before
   * replying, so every later read quorum meets it (replication/readRepair.ts); `after-reply`: the
   * repair follows the reply (SPEC 1.4) and monotonic reads may fail.
   */
  readRepair: ReadRepairMode;
  clockEntriesMax?: number;
  /** LSM settings (memtable size, compaction strategy …); the storage defaults where absent. */
  storage: Partial<Omit<LsmOptions, 'clock'>>;
  /** Gossip and failure detection: `detector`, `gossipIntervalMs`, `fanout`, `failTimeoutMs`, `cleanupTimeoutMs`, `seeds`. */
  membership: MembershipSettings;
  /** `sloppy`: stand-ins with hints replace down replicas (Dynamo); `strict`: never (SPEC 1.6). */
  quorum: QuorumMode;
  /** Hints older than this are dropped; anti-entropy repairs what they carried. */
  hintWindowMs: number;
  /** Background Merkle exchanges every this many ms; 0 means on demand only. */
  antiEntropyIntervalMs: number;
  /**
   * This node joins a running cluster (SPEC 1.7): `members` lists it with the current members; it
   * streams the ranges it gains from their holders, then announces itself (to every member when
   * no seeds are set) and serves.
   */
  join: boolean;
  /**
   * This is the node's first start ever, as its driver knows (the simulator's first boot of it, the
   * lab's first since a reset): on an empty disk it writes under its plain id; any later start
   * without its actor record takes a new name (versioning/actor.ts). Default true.
   */
  firstStart: boolean;
}

const pick = <T>(value: unknown, ok: (v: unknown) => boolean, fallback: T): T =>
  ok(value) ? (value as T) : fallback;
const isPositive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isLevel = (v: unknown) => typeof v === 'number' || typeof v === 'string';
const isReadRepairMode = (v: unknown) => (readRepairModes as readonly unknown[]).includes(v);

/** Reads a node's settings; `self` and `peers` make up the membership when none is configured. */
export function kvConfigFrom(
  raw: Record<string, unknown>,
  self: NodeId,
  peers: readonly NodeId[],
): KvNodeConfig | KvError {
  const members = Array.isArray(raw.members)
    ? (raw.members as RingMember[])
    : [self, ...peers].map((id) => ({ id }));
  const settings = membershipSettingsFrom(raw);
  if (isKvError(settings)) return settings;
  const join = raw.join === true;
  // A joiner announces itself to every member it knows at once, unless seeds were chosen for it.
  const membership =
    join && settings.seeds.length === 0
      ? { ...settings, seeds: members.map((m) => m.id).filter((id) => id !== self) }
      : settings;
  const n = pick(raw.n, isPositive, replicationFactorDefault);
  const config: KvNodeConfig = {
    members,
    virtualNodes: pick(raw.virtualNodes, isPositive, virtualNodesDefault),
    n,
    placement: n, // N per data centre instead when replicationPerDc is set (below)
    r: pick<ConsistencyLevel>(raw.r, isLevel, 'QUORUM'),
    w: pick<ConsistencyLevel>(raw.w, isLevel, 'QUORUM'),
    conflictMode: pick<ConflictMode>(raw.conflictMode, (v) => v === 'siblings' || v === 'lww', 'siblings'),
    requestTimeoutMs: pick(raw.requestTimeoutMs, isPositive, requestTimeoutMs),
    readRepairWaitMs: pick(raw.readRepairWaitMs, isPositive, readRepairWaitMs),
    readRepair: pick<ReadRepairMode>(raw.readRepair, isReadRepairMode, 'before-reply'),
    clockEntriesMax: pick<number | undefined>(raw.clockEntriesMax, isPositive, undefined),
    storage: pick(raw.storage, (v) => typeof v === 'object' && v !== null, {}),
    membership,
    quorum: pick<QuorumMode>(raw.quorum, (v) => v === 'sloppy' || v === 'strict', 'sloppy'),
    hintWindowMs: pick(raw.hintWindowMs, isPositive, hintWindowMs),
    antiEntropyIntervalMs: pick(
      raw.antiEntropyIntervalMs,
      (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0,
      antiEntropyIntervalMs,
    ),
    join,
    firstStart: raw.firstStart !== false,
  };
  if (raw.readRepair !== undefined && !isReadRepairMode(raw.readRepair)) {
    return kvError(
      'KV_INVALID_ARGUMENT',
      `readRepair must be one of ${readRepairModes.join(', ')} (got ${JSON.stringify(raw.readRepair)})`,
    );
  }
  const perDc = replicationPerDcFrom(raw, config);
  if (isKvError(perDc)) return perDc;
  for (const [what, level] of [
    ['R', config.r],
    ['W', config.w],
  ] as const) {
    const count = replicaCountOf(level, config.n);
    const problem = checkQuorum(what, count, config.n);
    if (problem) return kvError('KV_INVALID_ARGUMENT', problem.sentence);
  }
  return config;
}

/**
 * Reads `replicationPerDc` ({ dc: replicas }) into the config: N becomes its sum (a configured N
 * must agree) and the placement per data centre. Every count is a whole number ≥ 1.
 */
function replicationPerDcFrom(raw: Record<string, unknown>, config: KvNodeConfig): KvError | null {
  const perDc = raw.replicationPerDc;
  if (perDc === undefined) return null;
  const entries = typeof perDc === 'object' && perDc !== null ? Object.entries(perDc) : [];
  if (entries.length === 0 || !entries.every(([, k]) => Number.isInteger(k) && (k as number) >= 1)) {
    return kvError(
      'KV_INVALID_ARGUMENT',
      'replicationPerDc must map each data centre to a whole number of replicas ≥ 1',
    );
  }
  const replicationPerDc = Object.fromEntries(entries) as Record<string, number>;
  const n = replicationFactorOf(replicationPerDc);
  if (raw.n !== undefined && raw.n !== n) {
    return kvError('KV_INVALID_ARGUMENT', `n=${raw.n} must equal the sum of replicationPerDc (${n})`);
  }
  config.n = n;
  config.replicationPerDc = replicationPerDc;
  config.placement = placementOf(n, replicationPerDc);
  return null;
}

/** The coordinator's share of the settings (the request timeout may change later: `configure`). */
export function coordinatorSettingsOf(config: KvNodeConfig): CoordinatorSettings {
  const { requestTimeoutMs, readRepairWaitMs, readRepair, conflictMode, clockEntriesMax } = config;
  return { requestTimeoutMs, readRepairWaitMs, readRepair, conflictMode, clockEntriesMax };
}
