/**
 * The cluster settings a user can change in the lab (N, R, W, virtual nodes, conflict mode, sloppy
 * or strict quorums, the failure detector, read repair before or after the reply, one or two data centres with replicas
 * per data centre: dataCentres.ts, the memtable's size), their validation in sentences,
 * and how the request timeout follows the network speed.
 *
 * Settings are applied by restarting every worker with the new config (the data stays on disk), and
 * they are remembered in localStorage so that a reload reopens the same cluster.
 */

import {
  type ConflictMode,
  conflictModes,
  type FailureDetectorKind,
  failureDetectors,
  memtableBytesMax,
  type QuorumMode,
  quorumModes,
  type ReadRepairMode,
  readRepairModes,
  virtualNodesDefault,
} from '@kvscope/engine';
import { type DataCentreSettings, dataCentreProblem, evenSplit } from './dataCentres.ts';

export interface ClusterSettings extends DataCentreSettings {
  nodes: number;
  n: number;
  r: number;
  w: number;
  virtualNodes: number;
  conflictMode: ConflictMode;
  /**
   * Sloppy: a coordinator counts stand-ins further round the ring, with hints, for replicas it
   * believes down (the engine's default). Strict: only the key's N replicas count (SPEC 1.5, the
   * comparison), and a replica that lost its disk rebuilds before it answers reads.
   */
  quorum: QuorumMode;
  /**
   * Who declares a member down (SPEC 1.6): gossip (two members report it), local (each node on its
   * own evidence, Dynamo's final design) or phi-accrual (Cassandra, φ ≥ 8).
   */
  detector: FailureDetectorKind;
  /** Whether a read writes its result back to stale replicas before answering (the engine's default). */
  readRepair: ReadRepairMode;
  /**
   * Each node flushes its memtable to a table at this size. The real size (4 MiB) never fills in a
   * lesson; a few KiB make flushes and compactions happen while the workload runs.
   */
  memtableBytes: number;
}

/** The memtable sizes the lab offers, smallest first. */
export const memtableSizes = [4 * 1024, 64 * 1024, memtableBytesMax] as const;

/** "4 KiB", "4 MiB". */
export function memtableLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/** Every setting in one line, as the timeline and the event log show an Apply. */
export function settingsSentence(s: ClusterSettings): string {
  const dcs = s.dataCentres === 2 ? ` (west ${s.replicasPerDc.west} + east ${s.replicasPerDc.east})` : '';
  return `N=${s.n}${dcs} R=${s.r} W=${s.w}, ${s.virtualNodes} virtual nodes, ${s.conflictMode}, ${s.quorum} quorums, ${s.detector} detector, read repair ${s.readRepair}, memtable ${memtableLabel(s.memtableBytes)}`;
}

export const defaultSettings: ClusterSettings = {
  nodes: 5,
  n: 3,
  r: 2,
  w: 2,
  virtualNodes: virtualNodesDefault,
  conflictMode: 'siblings',
  quorum: 'sloppy',
  detector: 'gossip',
  readRepair: 'before-reply',
  memtableBytes: memtableBytesMax,
  dataCentres: 1,
  replicasPerDc: evenSplit(3),
  nodeDc: {},
};

/** Tokens per node the lab offers: enough to show balance improving, few enough to draw. */
export const virtualNodesMax = 64;

/** Says what is wrong with `s` in one sentence, or null when the settings can run. */
export function settingsProblem(s: ClusterSettings): string | null {
  const whole = (v: number) => Number.isInteger(v) && v >= 1;
  const dcProblem = dataCentreProblem(s, s.nodes);
  if (dcProblem) return dcProblem;
  if (!whole(s.n)) return `N must be a whole number of replicas ≥ 1 (got ${s.n}).`;
  if (!whole(s.r)) return `R must be a whole number ≥ 1 (got ${s.r}).`;
  if (!whole(s.w)) return `W must be a whole number ≥ 1 (got ${s.w}).`;
  if (s.n > s.nodes)
    return `N=${s.n} needs ${s.n} distinct nodes, but the cluster has ${s.nodes}; choose N ≤ ${s.nodes}.`;
  if (s.r > s.n) return `R=${s.r} is more replicas than N=${s.n}: a read could never gather R answers.`;
  if (s.w > s.n) return `W=${s.w} is more replicas than N=${s.n}: a write could never gather W acks.`;
  if (!whole(s.virtualNodes) || s.virtualNodes > virtualNodesMax)
    return `Virtual nodes must be between 1 and ${virtualNodesMax} per node (got ${s.virtualNodes}).`;
  if (!conflictModes.includes(s.conflictMode))
    return `Conflicts are kept as ${conflictModes.join(' or ')} (got ${s.conflictMode}).`;
  if (!quorumModes.includes(s.quorum)) return `Quorums are ${quorumModes.join(' or ')} (got ${s.quorum}).`;
  if (!failureDetectors.includes(s.detector))
    return `The failure detector is one of ${failureDetectors.join(', ')} (got ${s.detector}).`;
  if (!readRepairModes.includes(s.readRepair))
    return `Read repair runs ${readRepairModes.join(' or ')} (got ${s.readRepair}).`;
  if (!(memtableSizes as readonly number[]).includes(s.memtableBytes))
    return `The memtable holds ${memtableSizes.map(memtableLabel).join(', ')} (got ${s.memtableBytes} bytes).`;
  return null;
}

/** One line on what R and W promise together (SPEC 1.4: the lab makes the difference visible). */
export function quorumNote(s: ClusterSettings): string {
  if (s.r + s.w <= s.n)
    return `R+W=${s.r + s.w} ≤ N=${s.n}: a read may miss the latest write (stale reads are possible).`;
  return s.quorum === 'strict'
    ? `R+W=${s.r + s.w} > N=${s.n}, strict: only the key's N replicas count, so every read quorum overlaps every write quorum; with too few of them reachable, requests fail.`
    : `R+W=${s.r + s.w} > N=${s.n}: read and write quorums overlap while the key's replicas answer; a write that stand-ins took (sloppy quorum) can be missed until its hints are handed over.`;
}

/**
 * The coordinator's request timeout for a given one-way link delay: a request and its answer cross
 * two hops, a forwarded write four, plus the forward reply; six hops and 200 ms of slack cover it.
 */
export function requestTimeoutFor(linkDelayMs: number): number {
  return 6 * linkDelayMs + 200;
}

/**
 * The node timers for a given one-way link delay (the "network speed"): the request timeout, and
 * the gossip interval with `T_fail` and `T_cleanup` scaled by the same factor, so that slowing the
 * links down for the classroom does not make live nodes look dead. At full speed these are the
 * engine's defaults (1 s rounds, T_fail 5 s, T_cleanup 30 s); at 300 ms per hop, 2.2 s rounds.
 */
export function nodeTimersFor(linkDelayMs: number) {
  const gossipIntervalMs = 1_000 + 4 * linkDelayMs;
  return {
    requestTimeoutMs: requestTimeoutFor(linkDelayMs),
    membership: {
      gossipIntervalMs,
      failTimeoutMs: 5 * gossipIntervalMs,
      cleanupTimeoutMs: 30 * gossipIntervalMs,
    },
  };
}

const storageKey = 'kvscope.settings';

export function loadSettings(): ClusterSettings {
  try {
    const raw = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Partial<ClusterSettings> | null;
    const merged = { ...defaultSettings, ...(raw ?? {}), nodes: defaultSettings.nodes };
    return settingsProblem(merged) ? defaultSettings : merged;
  } catch {
    return defaultSettings;
  }
}

export function saveSettings(s: ClusterSettings): void {
  localStorage.setItem(storageKey, JSON.stringify(s));
}

/** Nodes that have started since the last reset (the key's name predates its present use). */
const startsKey = 'kvscope.dotOrigins';

function savedStarts(): Record<string, number> {
  try {
    const raw = JSON.parse(localStorage.getItem(startsKey) ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(raw).filter(([, v]) => typeof v === 'number' && v > 0),
    ) as Record<string, number>;
  } catch {
    return {};
  }
}

/**
 * Whether this is a node's first start since the cluster was made or reset (engine `firstStart`).
 * Only then does a node on an empty disk write under its plain id, so clocks read n1:3 in a young
 * cluster; a node that has started before and finds its disk empty (a wipe) takes a new name, so
 * its new counters are never compared with the old ones that live on elsewhere.
 */
export function isFirstStart(id: string): boolean {
  return savedStarts()[id] === undefined;
}

/** Records that a node has started (when it first did). */
export function recordStart(id: string, startedAtMs: number): void {
  const starts = savedStarts();
  if (starts[id] !== undefined) return;
  localStorage.setItem(startsKey, JSON.stringify({ ...starts, [id]: Math.floor(startedAtMs) }));
}

/** Every disk is wiped (a reset, a new data-centre layout): no old version is left anywhere. */
export function forgetStarts(): void {
  localStorage.removeItem(startsKey);
}
