/**
 * The cross-field rules of a scenario: what JSON Schema cannot say well. They run on the
 * normalised scenario (defaults filled in, faults still in file order) and return one sentence per
 * problem, naming the field as written in the file:
 *
 *   `cluster.r: must be ≤ cluster.n (got r=4, n=3)`
 *   `faults[2].node: "n9" is not a node of this cluster (nodes: n1, n2, n3, n4, n5)`
 *   `faults[4]: restart n2 at 30000 ms, but n2 is not down then (kill or wipe it first)`
 */

import { entryBytesMax, keyBytesMax, tokensPerNodeMax } from '../constants.ts';
import { formatBytes } from '../errors.ts';
import { utf8Length } from '../hashing/utf8.ts';
import { checkAutoscalerSettings } from '../membership/autoscaler.ts';
import type { ConsistencyLevel, FaultEvent, Scenario } from './types.ts';

export function scenarioRuleProblems(scenario: Scenario): string[] {
  return [
    ...clusterProblems(scenario),
    ...workloadProblems(scenario),
    ...scenario.faults.flatMap((fault, i) => faultReferenceProblems(scenario, fault, i)),
    ...faultTimeProblems(scenario),
  ];
}

function clusterProblems({ cluster }: Scenario): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  cluster.nodes.forEach((node, i) => {
    if (seen.has(node.id)) problems.push(`cluster.nodes[${i}].id: "${node.id}" is used by an earlier node`);
    seen.add(node.id);
    const tokens = Math.round(cluster.virtualNodes * node.weight);
    if (tokens > tokensPerNodeMax) {
      problems.push(
        `cluster.nodes[${i}].weight: virtualNodes × weight must be ≤ ${tokensPerNodeMax} tokens (got ${cluster.virtualNodes} × ${node.weight} = ${tokens})`,
      );
    }
  });
  const perDc = cluster.replicationPerDc;
  if (perDc !== undefined) {
    for (const dc of Object.keys(perDc)) {
      if (!cluster.dataCentres.includes(dc)) {
        problems.push(
          `cluster.replicationPerDc.${dc}: no node is in data centre "${dc}" (data centres: ${cluster.dataCentres.join(', ')})`,
        );
      }
    }
    const total = Object.values(perDc).reduce((a, b) => a + b, 0);
    if (total !== cluster.n) {
      problems.push(
        `cluster.n: must equal the sum of cluster.replicationPerDc (got n=${cluster.n}, sum=${total})`,
      );
    }
  }
  const scaling = cluster.autoscaler && checkAutoscalerSettings(cluster.autoscaler);
  if (scaling) problems.push(`cluster.${scaling.sentence}`);
  problems.push(...levelProblems('cluster.r', 'r', cluster.r, cluster.n));
  problems.push(...levelProblems('cluster.w', 'w', cluster.w, cluster.n));
  return problems;
}

/** A numeric R or W above N can never be met (SPEC 1.4); named levels always resolve to ≤ N. */
function levelProblems(
  field: string,
  letter: string,
  level: ConsistencyLevel | undefined,
  n: number,
): string[] {
  if (typeof level !== 'number' || level <= n) return [];
  return [`${field}: must be ≤ cluster.n (got ${letter}=${level}, n=${n})`];
}

function workloadProblems({ cluster, workload }: Scenario): string[] {
  const problems = [
    ...levelProblems('workload.r', 'r', workload.r, cluster.n),
    ...levelProblems('workload.w', 'w', workload.w, cluster.n),
  ];
  if (workload.kind === 'set') {
    problems.push(...levelProblems('workload.finalReadR', 'finalReadR', workload.finalReadR, cluster.n));
    const keyBytes = utf8Length(workload.key);
    if (keyBytes > keyBytesMax) {
      problems.push(
        `workload.key: must be at most ${formatBytes(keyBytesMax)} (got ${formatBytes(keyBytes)})`,
      );
    }
    return problems;
  }
  const { get, put, delete: del } = workload.mix;
  if (get + put + del === 0)
    problems.push('workload.mix: the weights must not all be 0 (got get=0, put=0, delete=0)');
  const keyBytes = `k${workload.keys}`.length;
  if (workload.valueBytes + keyBytes > entryBytesMax) {
    problems.push(
      `workload.valueBytes: key+value must fit in ${formatBytes(entryBytesMax)} (got ${formatBytes(workload.valueBytes)} + a key of up to ${formatBytes(keyBytes)})`,
    );
  }
  return problems;
}

function faultReferenceProblems({ cluster }: Scenario, fault: FaultEvent, i: number): string[] {
  const ids = cluster.nodes.map((node) => node.id);
  const unknownNode = (field: string, id: string) =>
    ids.includes(id)
      ? []
      : [`faults[${i}].${field}: "${id}" is not a node of this cluster (nodes: ${ids.join(', ')})`];
  switch (fault.type) {
    case 'partition': {
      const problems = fault.groups.flatMap((group, g) =>
        group.flatMap((id) => unknownNode(`groups[${g}]`, id)),
      );
      const listed = new Set(fault.groups.flat());
      const missing = ids.filter((id) => !listed.has(id));
      if (missing.length > 0) {
        problems.push(
          `faults[${i}].groups: every node must be in some group; ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} in none (list a node alone to isolate it)`,
        );
      }
      return problems;
    }
    case 'cut':
    case 'slow':
    case 'loss':
      return [
        ...fault.from.flatMap((id) => unknownNode('from', id)),
        ...fault.to.flatMap((id) => unknownNode('to', id)),
      ];
    case 'dc-outage':
    case 'dc-restore':
      return cluster.dataCentres.includes(fault.dc)
        ? []
        : [
            `faults[${i}].dc: "${fault.dc}" is not a data centre of this cluster (data centres: ${cluster.dataCentres.join(', ')})`,
          ];
    case 'heal':
      return [];
    default:
      return unknownNode('node', fault.node);
  }
}

type NodeCondition = 'up' | 'down' | 'paused' | 'joining' | 'cancelled';

/**
 * Fault times lie inside the workload, and the schedule is coherent when replayed in time order:
 * restart only a down node, resume only a paused one, restore only an out data centre, decommission
 * a node once, cancel only a join made before. A node asked to leave stays up for the schedule: its hand-over takes time, and faults
 * may hit it meanwhile (the nemesis skips those due once it has left, saying so in the report).
 */
function faultTimeProblems({ cluster, workload, faults }: Scenario): string[] {
  const problems: string[] = [];
  faults.forEach((fault, i) => {
    if (fault.atMs > workload.durationMs) {
      problems.push(
        `faults[${i}].atMs: must be within the workload's duration, 0–${workload.durationMs} ms (got ${fault.atMs})`,
      );
    }
  });
  const nodes = new Map<string, NodeCondition>(
    cluster.nodes.map((node) => [node.id, node.joining === true ? 'joining' : 'up']),
  );
  const outDcs = new Map<string, 'partition' | 'power'>();
  const decommissioned = new Set<string>();
  const order = faults
    .map((fault, i) => ({ fault, i }))
    .sort((a, b) => a.fault.atMs - b.fault.atMs || a.i - b.i);
  for (const { fault, i } of order) {
    const problem = applyFault(fault, nodes, outDcs, decommissioned, cluster.nodes);
    if (problem !== null) problems.push(`faults[${i}]: ${problem}`);
  }
  return problems;
}

function applyFault(
  fault: FaultEvent,
  nodes: Map<string, NodeCondition>,
  outDcs: Map<string, 'partition' | 'power'>,
  decommissioned: Set<string>,
  specs: Scenario['cluster']['nodes'],
): string | null {
  const at = `at ${fault.atMs} ms`;
  const expect = (
    node: string,
    wanted: NodeCondition,
    advice: string,
    next: NodeCondition,
  ): string | null => {
    const now = nodes.get(node);
    if (now === undefined) return null; // reported as an unknown node already
    if (now !== wanted) return `${fault.type} ${node} ${at}, but ${node} is ${now} then (${advice})`;
    nodes.set(node, next);
    return null;
  };
  switch (fault.type) {
    case 'kill':
      return nodes.get(fault.node) === 'down'
        ? `kill ${fault.node} ${at}, but ${fault.node} is already down`
        : set(nodes, fault.node, 'down');
    case 'restart':
      return expect(fault.node, 'down', 'kill it first', 'up');
    case 'pause':
      return expect(fault.node, 'up', 'a node can be paused only while up', 'paused');
    case 'resume':
      return expect(fault.node, 'paused', 'pause it first', 'up');
    case 'wipe':
      return set(nodes, fault.node, 'up');
    case 'join':
      return expect(fault.node, 'joining', 'declare it with "joining": true, and join it once', 'up');
    case 'cancel-join': {
      const now = nodes.get(fault.node);
      const declared = specs.some((s) => s.id === fault.node && s.joining === true);
      if (now === undefined) return null; // reported as an unknown node already
      if (!declared || now === 'joining')
        return `cancel-join ${fault.node} ${at}, but ${fault.node} has no join before it (declare it with "joining": true and join it first)`;
      if (now === 'cancelled') return `cancel-join ${fault.node} ${at}, but its join was cancelled already`;
      nodes.set(fault.node, 'cancelled');
      return null;
    }
    case 'decommission':
      if (decommissioned.has(fault.node))
        return `decommission ${fault.node} ${at}, but ${fault.node} was decommissioned already`;
      decommissioned.add(fault.node);
      return expect(fault.node, 'up', 'only a running member can be decommissioned', 'up');
    case 'dc-outage': {
      if (outDcs.has(fault.dc)) return `dc-outage ${fault.dc} ${at}, but ${fault.dc} is already out`;
      outDcs.set(fault.dc, fault.mode);
      if (fault.mode === 'power')
        for (const s of specs) if (s.dataCentre === fault.dc) nodes.set(s.id, 'down');
      return null;
    }
    case 'dc-restore': {
      const mode = outDcs.get(fault.dc);
      if (mode === undefined)
        return `dc-restore ${fault.dc} ${at}, but ${fault.dc} is not out then (add a dc-outage first)`;
      outDcs.delete(fault.dc);
      if (mode === 'power') for (const s of specs) if (s.dataCentre === fault.dc) nodes.set(s.id, 'up');
      return null;
    }
    default:
      return null;
  }
}

function set(nodes: Map<string, NodeCondition>, node: string, condition: NodeCondition): null {
  if (nodes.has(node)) nodes.set(node, condition);
  return null;
}
