/**
 * The scenario runner (SPEC §3): one scenario, one seed, one deterministic run in the simulator, one
 * report.
 *
 *   Scenario ─▶ Simulation (members by data centre and weight, link latencies, faulty disks seeded
 *               from the run's seed when a fault cuts the power) ─▶ workload clients + nemesis (the fault schedule)
 *            ─▶ run to the end of the workload + settle time, then the workload's final reads
 *            ─▶ every replica's final contents ─▶ checkers ─▶ metrics ─▶ RunReport
 *
 * All randomness comes from `Rng` forks of the run's seed (`network` and `node/…` inside the
 * simulator, `disk/<node>` for power-loss choices, `workload` for the clients), so the same scenario
 * and seed give a byte-identical history and report. The runner reads no clock: a driver that has
 * one (the CLI) passes `wallClock` to have wall time measured, and it stays out of the compared part.
 *
 * The protocol modules (gossip, hinted handoff, anti-entropy, membership changes) are configured
 * through the node configuration: the runner passes every cluster setting of the scenario on
 * (`nodeConfigOf`) and reads back only what the report needs (replica contents, hints left).
 */

import {
  finalReadsMsMax,
  readRepairWaitMs,
  requestTimeoutMs as requestTimeoutDefaultMs,
} from '../constants.ts';

/** After the final reads' repairs are sent, how long the run goes on for them to land (ms). */
const finalRepairsLandMs = 1_000;

import { isDiskFailure, isKvError, type KvError, kvError } from '../errors.ts';
import type { NodeEnv, NodeFactory, StorageNode } from '../node/contract.ts';
import { createKvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import { startAutoscaler } from '../rebalance/autoscaling.ts';
import type { ReplicaStore } from '../replication/replicaStore.ts';
import { placementOf, replicasFor } from '../ring/placement.ts';
import { buildRing, type RingMember } from '../ring/ring.ts';
import { checkerConfigOf, type ReplicaStates } from '../simulation/checkers/checker.ts';
import { runCheckers } from '../simulation/checkers/runCheckers.ts';
import { clientTimeoutFor, HistoryForms } from '../simulation/clients.ts';
import { History, type HistorySibling } from '../simulation/history.ts';
import { Nemesis } from '../simulation/nemesis.ts';
import { Simulation } from '../simulation/simulation.ts';
import { startKvWorkload } from '../simulation/workloads/kvWorkload.ts';
import { startSetWorkload } from '../simulation/workloads/setWorkload.ts';
import type { RunningWorkload, WorkloadContext } from '../simulation/workloads/workload.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { MemoryFileSystem } from '../storage/files/memoryFileSystem.ts';
import type { Version } from '../versioning/siblings.ts';
import { computeMetrics, RepairTally, StorageTally } from './metrics.ts';
import { type RunReport, reportFormatVersion } from './report.ts';
import type { FaultType, Scenario } from './types.ts';

export interface RunOptions {
  /** Overrides the scenario's seed (the CLI's `--seed`). */
  seed?: number;
  /** The scenario file's path as the user typed it, for the replay command. */
  scenarioPath?: string;
  /** A wall clock in ms (e.g. `performance.now`); without one, the report has no `wall` field. */
  wallClock?: () => number;
  /** The node implementation; the key-value node by default. */
  createNode?: NodeFactory;
  /** Extra node settings merged over the ones derived from the scenario (plug-in protocols). */
  nodeConfig?: Record<string, unknown>;
  /** Sees every cluster event of the run as it happens (tests count verdicts, recoveries …). */
  onEvent?: (event: ClusterEvent) => void;
  /** Sees the network's cut links (one-way `[from, to]`) after each fault of the schedule (replay). */
  onCutLinks?: (at: number, cut: [NodeId, NodeId][]) => void;
}

/** Fault kinds this runner applies; any other is refused with `KV_UNSUPPORTED`, never ignored. */
const supportedFaults: ReadonlySet<FaultType> = new Set<FaultType>([
  'partition',
  'cut',
  'heal',
  'kill',
  'restart',
  'pause',
  'resume',
  'slow',
  'loss',
  'wipe',
  'corrupt',
  'dc-outage',
  'dc-restore',
  'skew',
  'join',
  'cancel-join',
  'decommission',
]);

/** The node settings a scenario implies; `kvConfigFrom` reads the ones the node knows. */
export function nodeConfigOf(scenario: Scenario): Record<string, unknown> {
  const { cluster } = scenario;
  const config: Record<string, unknown> = {
    members: cluster.nodes
      .filter((node) => node.joining !== true)
      .map((node) => ({ id: node.id, dataCentre: node.dataCentre, weight: node.weight })),
    virtualNodes: cluster.virtualNodes,
    n: cluster.n,
    r: cluster.r,
    w: cluster.w,
    conflictMode: cluster.conflictMode,
    quorum: cluster.quorum,
    readRepair: cluster.readRepair,
    detector: cluster.detector,
    timeouts: cluster.timeouts,
  };
  const { memtableBytes, compaction, compression, blockCacheBytes, scrubIntervalMs } = cluster.storage;
  config.storage = {
    ...(memtableBytes !== undefined ? { memtableBytesMax: memtableBytes } : {}),
    ...(compaction !== undefined ? { compaction } : {}),
    ...(compression !== undefined ? { compression } : {}),
    ...(blockCacheBytes !== undefined ? { blockCacheBytesMax: blockCacheBytes } : {}),
    ...(scrubIntervalMs !== undefined ? { scrubIntervalMs } : {}),
  };
  if (cluster.replicationPerDc !== undefined) config.replicationPerDc = cluster.replicationPerDc;
  if (cluster.clockEntriesMax !== undefined) config.clockEntriesMax = cluster.clockEntriesMax;
  if (cluster.timeouts.requestMs !== undefined) config.requestTimeoutMs = cluster.timeouts.requestMs;
  if (cluster.timeouts.readRepairMs !== undefined) config.readRepairWaitMs = cluster.timeouts.readRepairMs;
  // The protocol modules read their timers by their own names (kvConfig.ts, membership/settings.ts).
  const timers: [keyof Scenario['cluster']['timeouts'], string][] = [
    ['gossipIntervalMs', 'gossipIntervalMs'],
    ['failMs', 'failTimeoutMs'],
    ['cleanupMs', 'cleanupTimeoutMs'],
    ['hintWindowMs', 'hintWindowMs'],
    ['antiEntropyIntervalMs', 'antiEntropyIntervalMs'],
  ];
  for (const [from, to] of timers)
    if (cluster.timeouts[from] !== undefined) config[to] = cluster.timeouts[from];
  return config;
}

export function runScenario(input: Scenario, options: RunOptions = {}): RunReport | KvError {
  const unsupported = input.faults.find((fault) => !supportedFaults.has(fault.type));
  if (unsupported !== undefined) {
    return kvError(
      'KV_UNSUPPORTED',
      `faults: the runner cannot apply "${unsupported.type}" faults yet (at ${unsupported.atMs} ms)`,
    );
  }
  const startedAt = options.wallClock?.();
  const seed = options.seed ?? input.seed;
  const scenario: Scenario = { ...input, seed };
  const run = startRun(scenario, options);
  const { sim, nemesis, workload } = run;
  const end = scenario.workload.durationMs + scenario.workload.settleMs;
  const repairMs = scenario.cluster.timeouts.readRepairMs ?? readRepairWaitMs;
  const aborted = runToEnd(sim, workload, end, repairMs + finalRepairsLandMs);
  const simulatedAt = options.wallClock?.();
  const unfinishedChange = nemesis.unfinishedChange();
  // The final state is that of the nodes on the final ring: a decommissioned node's disk is gone.
  const show: ShowVersions = (key, versions) => run.forms.siblings(versions, workload.decoderFor(key));
  const { states, down, hintsLeft } = finalStates(
    sim,
    nemesis.members,
    run.createNode,
    run.config,
    show,
    seed,
  );
  const contentsAt = options.wallClock?.();
  const verdicts = runCheckers(run.history.ops, states, checkerConfigOf(scenario), {
    replicasOf: finalReplicasOf(scenario, run.config, nemesis),
    hintsLeft,
    down,
  });
  if (aborted !== undefined) verdicts.valid = false;
  const checkedAt = options.wallClock?.();
  const metrics = computeMetrics(run.history.ops, sim.counters, verdicts, sim.now);
  metrics.repair = run.repairs.metrics(nemesis.log.at(-1)?.atMs ?? null);
  metrics.storage = run.storage.metrics();
  const report: RunReport = {
    format: reportFormatVersion,
    name: scenario.name,
    seed,
    replay: `npx kvscope run ${options.scenarioPath ?? '<scenario.json>'} --seed ${seed}`,
    traceHash: sim.traceHash(),
    valid: verdicts.valid,
    ...(aborted === undefined ? {} : { aborted }),
    ...(unfinishedChange === null ? {} : { unfinishedChange }),
    checkers: verdicts,
    metrics,
    faults: nemesis.log,
    downAtEnd: down,
    finalState: states,
    scenario,
    history: run.history.ops.slice(),
  };
  if (options.wallClock && startedAt !== undefined && simulatedAt !== undefined) {
    const marks = { startedAt, simulatedAt, contentsAt, checkedAt, endedAt: options.wallClock() };
    report.wall = wallTimes(marks, metrics.operations.total);
  }
  return report;
}

/** A run set up and about to start: the simulator, its fault schedule, the workload's clients. */
interface StartedRun {
  sim: Simulation;
  nemesis: Nemesis;
  history: History;
  forms: HistoryForms;
  workload: RunningWorkload;
  repairs: RepairTally;
  storage: StorageTally;
  config: Record<string, unknown>;
  createNode: NodeFactory;
}

/** Builds the simulated cluster, schedules the faults and the autoscaler, and starts the workload. */
function startRun(scenario: Scenario, options: RunOptions): StartedRun {
  const { seed } = scenario;
  const rng = new Rng(seed);
  const nodes = scenario.cluster.nodes.filter((node) => node.joining !== true).map((node) => nodeId(node.id));
  const config = { ...nodeConfigOf(scenario), ...options.nodeConfig };
  const createNode = options.createNode ?? createKvNode;
  const sim = new Simulation({
    seed,
    nodes,
    createNode,
    config,
    link: { latency: scenario.cluster.latency },
    fileSystem: losesPower(scenario)
      ? (id) => new FaultyFileSystem({ label: `disk:${id}`, rng: rng.fork(`disk/${id}`) })
      : (id) => new MemoryFileSystem(`disk:${id}`),
  });
  const repairs = new RepairTally();
  const storage = new StorageTally();
  sim.onEvent(
    (event) => {
      repairs.observe(event);
      storage.observe(event);
    },
    { messages: false },
  );
  if (options.onEvent) sim.onEvent(options.onEvent);
  const nemesis = new Nemesis(sim, scenario.cluster);
  nemesis.configureLinks();
  const { onCutLinks } = options;
  for (const fault of scenario.faults)
    sim.schedule(fault.atMs, `fault ${fault.type}`, () => {
      nemesis.apply(fault);
      onCutLinks?.(sim.now, sim.network.cutLinks());
    });
  const { autoscaler } = scenario.cluster;
  if (autoscaler) startAutoscaler(sim, nemesis, autoscaler, scenario.workload.durationMs);
  const history = new History();
  const requestMs = scenario.cluster.timeouts.requestMs ?? requestTimeoutDefaultMs;
  const context: WorkloadContext = {
    sim,
    history,
    rng: rng.fork('workload'),
    nodes,
    n: scenario.cluster.n,
    clientTimeoutMs: clientTimeoutFor(requestMs),
    forms: new HistoryForms(),
  };
  const workload =
    scenario.workload.kind === 'set'
      ? startSetWorkload(scenario.workload, context)
      : startKvWorkload(scenario.workload, context);
  return { sim, nemesis, history, forms: context.forms, workload, repairs, storage, config, createNode };
}

/**
 * Each key's replicas on the final ring, for convergence (P3): joined nodes count, decommissioned
 * ones do not.
 */
function finalReplicasOf(
  scenario: Scenario,
  config: Record<string, unknown>,
  nemesis: Nemesis,
): (key: string) => readonly NodeId[] {
  const declared = config.members as RingMember[];
  const finalMembers = nemesis.members.map(
    (id) => declared.find((m) => m.id === id) ?? nemesis.ringMemberOf(id),
  );
  const ring = buildRing(finalMembers, { virtualNodes: scenario.cluster.virtualNodes });
  const placement = placementOf(scenario.cluster.n, scenario.cluster.replicationPerDc);
  return (key) => replicasFor(ring, key, placement).nodes;
}

/** The report's wall split from the clock readings between the phases of a run. */
function wallTimes(
  marks: { startedAt: number; simulatedAt: number; contentsAt?: number; checkedAt?: number; endedAt: number },
  operations: number,
): NonNullable<RunReport['wall']> {
  const { startedAt, simulatedAt, endedAt } = marks;
  const contentsAt = marks.contentsAt ?? simulatedAt;
  const ms = endedAt - startedAt;
  const simulateMs = simulatedAt - startedAt;
  return {
    ms,
    operationsPerSecond: ms > 0 ? (operations * 1_000) / ms : 0,
    simulateMs,
    checkMs: ms - simulateMs,
    finalStateMs: contentsAt - simulatedAt,
    checkersMs: (marks.checkedAt ?? simulatedAt) - contentsAt,
  };
}

/**
 * Whether a fault can cut a node's power, the one fault that tells a faulty disk from a plain one:
 * a process crash keeps every written byte either way. Without it each node gets a memory disk,
 * which copies a write once instead of three times (volatile, pending, durable).
 */
function losesPower(scenario: Scenario): boolean {
  return scenario.faults.some((fault) => 'mode' in fault && fault.mode === 'power');
}

/**
 * Runs the workload, its settle time and its final reads, then `drainMs` more: a final read repairs
 * the replicas it did not need after its reply (`readRepairMs` later), and the final state must hold
 * those repairs, or P3 sees a divergence the cluster is already mending. A node that throws (a
 * broken invariant, or an operating error a module failed to turn into a value) ends the run there:
 * the report says so instead of the runner dying, and the run is invalid.
 */
function runToEnd(
  sim: Simulation,
  workload: RunningWorkload,
  end: number,
  drainMs: number,
): RunReport['aborted'] {
  try {
    sim.runUntil(end);
    while (!workload.finished && sim.now < end + finalReadsMsMax) if (!sim.step()) break;
    sim.runUntil(sim.now + drainMs);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { atMs: sim.now, error: `a node threw and the run stopped: ${message}` };
  }
}

/** A node's replica store, when the node is a key-value node. */
function storeOf(node: StorageNode | null): ReplicaStore | null {
  return (node as { store?: ReplicaStore } | null)?.store ?? null;
}

/**
 * Every replica's contents at the end. A node that is down is read from its disk, as it would come
 * back: a throwaway node is opened on its files (the run is over; nothing else sees it). A paused
 * node is read as it stands, and counts with the down ones: a stalled process cannot converge.
 */
function finalStates(
  sim: Simulation,
  nodes: readonly NodeId[],
  createNode: NodeFactory,
  config: Record<string, unknown>,
  show: ShowVersions,
  seed: number,
): { states: ReplicaStates; down: string[]; hintsLeft: Record<string, number> } {
  const states: ReplicaStates = {};
  const down: string[] = [];
  const hintsLeft: Record<string, number> = {};
  for (const id of nodes) {
    const running = sim.node(id);
    if (running === null || sim.state(id) === 'paused') down.push(id);
    try {
      const node = running ?? createNode(downNodeEnv(sim, id, nodes, config, seed));
      states[id] = replicaContents(storeOf(node), show);
      hintsLeft[id] = hintsOf(node);
    } catch (error) {
      // A damaged table no read had reached during the run: the node would be wiped on finding it
      // (node/contract.ts), so it holds nothing, and like a node that is down it cannot converge.
      if (!isDiskFailure(error)) throw error;
      states[id] = {};
      hintsLeft[id] = 0;
      if (running !== null) down.push(id);
    }
  }
  return { states, down, hintsLeft };
}

/** What a throwaway node opened on a down node's files is given (the run is over). */
function downNodeEnv(
  sim: Simulation,
  id: NodeId,
  nodes: readonly NodeId[],
  config: Record<string, unknown>,
  seed: number,
): NodeEnv {
  return {
    id,
    peers: nodes.filter((peer) => peer !== id),
    rng: new Rng(seed, `final-state/${id}`),
    fs: sim.fileSystem(id),
    config,
  };
}

/** Hints still waiting in a key-value node's hint store. */
function hintsOf(node: StorageNode | null): number {
  return (node as { handoff?: { hints: { size: number } } } | null)?.handoff?.hints.size ?? 0;
}

/** A key's versions as reports show them (the run's shared history forms, the workload's values). */
type ShowVersions = (key: string, versions: readonly Version[]) => HistorySibling[];

function replicaContents(store: ReplicaStore | null, show: ShowVersions): Record<string, HistorySibling[]> {
  const keys: Record<string, HistorySibling[]> = {};
  if (store === null) return keys;
  for (const [key, versions] of store.entries()) {
    if (isKvError(versions)) continue; // a corrupt set: P8's business, never reported as data
    keys[key] = show(key, versions);
  }
  return keys;
}
