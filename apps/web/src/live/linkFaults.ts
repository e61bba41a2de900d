/**
 * What each network fault of the lab changes, as plain data: the new `NetworkFaults` (network.ts),
 * its line on the fault timeline, and the same fault as a scenario file states it (so that a saved
 * session replays it, sessionScenario.ts). The live cluster applies a change by storing the faults,
 * pushing every worker's link table and putting the line on the timeline (liveCluster.ts).
 */

import type { NodeId } from '@kvscope/engine';
import type { FaultKind, ScenarioFault } from './labStore.ts';
import { describeGroups, groupLists, type NetworkFaults, noFaults, pairKey } from './network.ts';

export interface LinkFaultChange {
  faults: NetworkFaults;
  kind: FaultKind;
  label: string;
  /** The nodes the line names. */
  nodes: NodeId[];
  scenario: ScenarioFault[];
}

/**
 * Splits the cluster into groups (`groups[id]` = group number); links between groups are cut. The
 * scenario fault lists group 0 first, empty when no node is in it: a node that joins later is in
 * group 0 (network.ts), and a saved session puts it there (sessionScenario.ts).
 */
export function partitionChange(
  faults: NetworkFaults,
  groups: Record<string, number>,
  ids: readonly NodeId[],
  label = `partition ${describeGroups(groups, ids)}`,
  kind: FaultKind = 'partition',
): LinkFaultChange {
  const lists = groupLists(groups, ids);
  const zeroEmpty = ids.every((id) => (groups[id] ?? 0) !== 0);
  const scenario: ScenarioFault[] = [{ type: 'partition', groups: zeroEmpty ? [[], ...lists] : lists }];
  return { faults: { ...faults, groups }, kind, label, nodes: [...ids], scenario };
}

export function oneWayCutChange(faults: NetworkFaults, from: NodeId, to: NodeId): LinkFaultChange {
  return {
    faults: { ...faults, oneWay: [...new Set([...faults.oneWay, `${from}->${to}`])] },
    kind: 'one-way cut',
    label: `one-way cut: ${from} can no longer reach ${to} (${to} still reaches ${from})`,
    nodes: [from, to],
    scenario: [{ type: 'cut', from: [from], to: [to] }],
  };
}

/** Adds `extraMs` to the link between `a` and `b` (both ways), or to every link when `a` is '*'. */
export function slowLinkChange(
  faults: NetworkFaults,
  link: LinkEnds,
  extraMs: number,
  linkDelayMs: number,
): LinkFaultChange {
  const { key, where, nodes, selector } = link;
  const latency = { kind: 'constant' as const, ms: linkDelayMs + extraMs };
  return {
    faults: { ...faults, slow: { ...faults.slow, [key]: extraMs } },
    kind: 'slow',
    label: `slow link: ${where} +${extraMs} ms`,
    nodes,
    scenario: [{ type: 'slow', latency, ...selector }],
  };
}

/** Drops `loss` of the messages on the link between `a` and `b` (both ways), or on every link. */
export function lossyLinkChange(faults: NetworkFaults, link: LinkEnds, loss: number): LinkFaultChange {
  const { key, where, nodes, selector } = link;
  return {
    faults: { ...faults, lossy: { ...faults.lossy, [key]: loss } },
    kind: 'lossy',
    label: `lossy link: ${where} drops ${Math.round(loss * 100)}% of messages`,
    nodes,
    scenario: [{ type: 'loss', probability: loss, duplicate: 0, reorder: 0, ...selector }],
  };
}

/** Every link back to the network speed; the paused nodes, which a heal resumes, named for a scenario. */
export function healChange(paused: readonly NodeId[]): LinkFaultChange {
  return {
    faults: noFaults,
    kind: 'heal',
    label: 'heal all: every link restored, paused nodes resumed',
    nodes: [],
    scenario: [{ type: 'heal' }, ...paused.map((node) => ({ type: 'resume' as const, node }))],
  };
}

/** A slow or lossy link's ends: one pair, or every link. */
export interface LinkEnds {
  /** Its key in `NetworkFaults` (`n1-n2`, or `*`). */
  key: string;
  where: string;
  nodes: NodeId[];
  /** The links as a scenario selects them, both ways. */
  selector: { from: string[]; to: string[]; bothWays: boolean };
}

/** The link between `a` and `b`, or every link when `a` is '*' (or `b` is missing). */
export function linkEnds(a: NodeId | '*', b: NodeId | null, ids: readonly NodeId[]): LinkEnds {
  if (a === '*' || !b)
    return {
      key: '*',
      where: 'every link',
      nodes: [],
      selector: { from: [...ids], to: [...ids], bothWays: true },
    };
  return {
    key: pairKey(a, b),
    where: `${a}↔${b}`,
    nodes: [a, b],
    selector: { from: [a], to: [b], bothWays: true },
  };
}
