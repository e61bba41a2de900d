/**
 * From a file whose shape is valid to a `Scenario` with every default filled in: a node count
 * becomes `n1 … nK` in the default data centre, a single node id in a link selector becomes a
 * list, optional fields take the values of defaults.ts. Pure and total on shape-valid input; the
 * cross-field rules (rules.ts) run on its result, and faults keep their file order here so the
 * rules can name `faults[i]` as written.
 */

import { autoscalerCoolDownMs, autoscalerIntervalMs, autoscalerSustainMs } from '../constants.ts';
import { nodeIds } from '../protocol/ids.ts';
import type { LatencyDistribution } from '../simulation/network.ts';
import { scenarioDefaults as d } from './defaults.ts';
import type {
  AutoscalerSpec,
  ClusterSpec,
  ConsistencyLevel,
  FaultEvent,
  NodeSpec,
  Scenario,
  WorkloadSpec,
} from './types.ts';

/** The file as the schema admits it: almost everything optional. */
export interface ScenarioFile {
  name: string;
  description?: string;
  seed?: number;
  cluster?: ClusterFile;
  workload?: Partial<WorkloadSpec> & { kind: 'kv' | 'set' };
  faults?: FaultFile[];
}

export interface ClusterFile extends Partial<Omit<ClusterSpec, 'nodes' | 'dataCentres' | 'autoscaler'>> {
  autoscaler?: Partial<AutoscalerSpec> &
    Pick<AutoscalerSpec, 'highLoadPerNode' | 'lowLoadPerNode' | 'minNodes' | 'maxNodes'>;
  nodes?: number | { id: string; dataCentre?: string; weight?: number; joining?: boolean }[];
}

type NodeRefs = string | string[];
export type FaultFile = { atMs: number; type: FaultEvent['type'] } & Record<string, unknown>;

export function normaliseScenario(file: ScenarioFile): Scenario {
  const cluster = normaliseCluster(file.cluster ?? {});
  return {
    name: file.name,
    description: file.description ?? d.description,
    seed: file.seed ?? d.seed,
    cluster,
    workload: normaliseWorkload(file.workload ?? { kind: 'kv' }, cluster.n),
    faults: (file.faults ?? []).map(normaliseFault),
  };
}

function normaliseNodes(nodes: ClusterFile['nodes']): NodeSpec[] {
  if (nodes === undefined || typeof nodes === 'number') {
    return nodeIds(nodes ?? d.nodeCount, d.nodePrefix).map((id) => ({
      id,
      dataCentre: d.dataCentre,
      weight: d.weight,
    }));
  }
  return nodes.map((node) => ({
    id: node.id,
    dataCentre: node.dataCentre ?? d.dataCentre,
    weight: node.weight ?? d.weight,
    ...(node.joining === true ? { joining: true } : {}),
  }));
}

function normaliseCluster(file: ClusterFile): ClusterSpec {
  const nodes = normaliseNodes(file.nodes);
  const perDc = file.replicationPerDc;
  const perDcTotal = perDc === undefined ? undefined : Object.values(perDc).reduce((a, b) => a + b, 0);
  const cluster: ClusterSpec = {
    nodes,
    dataCentres: [...new Set(nodes.map((node) => node.dataCentre))],
    virtualNodes: file.virtualNodes ?? d.virtualNodes,
    n: file.n ?? perDcTotal ?? d.n,
    r: file.r ?? d.r,
    w: file.w ?? d.w,
    detector: file.detector ?? d.detector,
    conflictMode: file.conflictMode ?? d.conflictMode,
    quorum: file.quorum ?? d.quorum,
    readRepair: file.readRepair ?? d.readRepair,
    latency: file.latency ?? d.latency,
    interDcLatency: file.interDcLatency ?? d.interDcLatency,
    timeouts: { ...(file.timeouts ?? {}) },
    storage: { ...(file.storage ?? {}) },
  };
  if (perDc !== undefined) cluster.replicationPerDc = { ...perDc };
  if (file.clockEntriesMax !== undefined) cluster.clockEntriesMax = file.clockEntriesMax;
  if (file.autoscaler !== undefined) {
    cluster.autoscaler = {
      sustainMs: autoscalerSustainMs,
      coolDownMs: autoscalerCoolDownMs,
      intervalMs: autoscalerIntervalMs,
      ...file.autoscaler,
    };
  }
  return cluster;
}

function normaliseWorkload(file: Partial<WorkloadSpec> & { kind: 'kv' | 'set' }, n: number): WorkloadSpec {
  const common = {
    ratePerSecond: file.ratePerSecond ?? d.ratePerSecond,
    durationMs: file.durationMs ?? d.durationMs,
    settleMs: file.settleMs ?? d.settleMs,
  };
  const overrides: { r?: ConsistencyLevel; w?: ConsistencyLevel } = {};
  if (file.r !== undefined) overrides.r = file.r;
  if (file.w !== undefined) overrides.w = file.w;
  if (file.kind === 'set') {
    const set = file as Partial<WorkloadSpec & { kind: 'set' }>;
    return {
      kind: 'set',
      clients: set.clients ?? d.setClients,
      ...common,
      ...overrides,
      key: set.key ?? d.setKey,
      elements: set.elements ?? d.setElements,
      finalReadR: set.finalReadR ?? n,
    };
  }
  const kv = file as Partial<WorkloadSpec & { kind: 'kv' }>;
  return {
    kind: 'kv',
    clients: kv.clients ?? d.clients,
    ...common,
    ...overrides,
    mix: { ...d.mix, ...(kv.mix ?? {}) },
    keys: kv.keys ?? d.keys,
    keyDistribution: kv.keyDistribution ?? d.keyDistribution,
    valueBytes: kv.valueBytes ?? d.valueBytes,
  };
}

function list(refs: unknown): string[] {
  return typeof refs === 'string' ? [refs] : [...(refs as string[])];
}

function normaliseFault(file: FaultFile): FaultEvent {
  const { atMs } = file;
  const f = file as Record<string, unknown>;
  switch (file.type) {
    case 'partition':
      return { atMs, type: 'partition', groups: (f.groups as string[][]).map((g) => [...g]) };
    case 'cut':
      return { atMs, type: 'cut', from: list(f.from), to: list(f.to) };
    case 'heal':
      return { atMs, type: 'heal' };
    case 'kill':
      return {
        atMs,
        type: 'kill',
        node: f.node as string,
        mode: (f.mode as 'process' | 'power') ?? d.killMode,
      };
    case 'slow':
      return { atMs, type: 'slow', ...links(f), latency: f.latency as LatencyDistribution };
    case 'loss':
      return {
        atMs,
        type: 'loss',
        ...links(f),
        probability: f.probability as number,
        duplicate: (f.duplicate as number | undefined) ?? 0,
        reorder: (f.reorder as number | undefined) ?? 0,
      };
    case 'dc-outage':
      return { atMs, type: 'dc-outage', dc: f.dc as string, mode: (f.mode as 'partition') ?? d.dcOutageMode };
    case 'dc-restore':
      return { atMs, type: 'dc-restore', dc: f.dc as string };
    case 'skew':
      return { atMs, type: 'skew', node: f.node as string, ms: f.ms as number };
    case 'decommission':
      return { atMs, type: 'decommission', node: f.node as string, force: f.force === true };
    default:
      return { atMs, type: file.type, node: f.node as string } as FaultEvent;
  }
}

function links(f: Record<string, unknown>): { from: string[]; to: string[]; bothWays: boolean } {
  return {
    from: list(f.from as NodeRefs),
    to: list(f.to as NodeRefs),
    bothWays: (f.bothWays as boolean | undefined) ?? d.linkBothWays,
  };
}
