/**
 * This live session as a scenario file (SPEC §2 "Time": the same seed and the same actions replay
 * the same run exactly): the cluster under its current settings, the background workload at its
 * rate, key count and mix, and every fault the learner caused since the cluster last started afresh
 * or took its current settings — kills, restarts, pauses, partitions, one-way cuts, slow and lossy links, wipes, a flipped bit,
 * clock skews, heals — at the moment it happened, each as the fault the lab's action is (the markers carry it,
 * liveCluster.ts). Run in the deterministic simulator (the Runs tab, or `npx kvscope run`), it
 * replays the same actions on the same cluster, the same way for every run of the same seed.
 *
 * Membership changes replay as the scenario's `join`, `cancel-join` and `decommission`: a node
 * added during the session is declared `joining` and joins when it was added (and stops when its
 * join was cancelled), a node removed leaves when it was asked to; the simulator, like the lab,
 * runs one change at a time. A node that joins after a partition
 * is in its group 0, and a link fault on every link covers it, as in the lab (network.ts).
 *
 * What it cannot carry is said in its description: the learner's own puts and gets (the workload
 * stands for the traffic), "repair now", and faults of nodes that are no longer in the cluster. Links take the network speed of the moment of saving, and the
 * node timers follow it as they do in the lab (settings.ts `nodeTimersFor`).
 */

import { rangeForwardGraceMs } from '@kvscope/engine';
import { plural } from '@kvscope/ui';
import type { FaultMarker, LabState, ScenarioFault } from './labStore.ts';
import { type ClusterSettings, nodeTimersFor } from './settings.ts';

/** The faults' time base and the session's length: the live history's start, and now (page ms). */
export interface SessionSpan {
  startedAt: number;
  now: number;
}

/** Kinds of lab action that have no scenario fault; the description names those that happened. */
const notReplayed: Partial<Record<FaultMarker['kind'], string>> = {
  repair: '"repair now"',
};

export function sessionScenario(state: LabState, session: SessionSpan): Record<string, unknown> {
  const { settings, order, workload, linkDelayMs } = state;
  // New settings restart the nodes on the same disks, and the history goes on; the file runs under
  // the current settings only, so it begins where they were applied, with the links and clocks as
  // they were.
  const applied = state.markers.filter((m) => m.kind === 'settings' && m.at >= session.startedAt);
  const span = { ...session, startedAt: Math.max(session.startedAt, applied.at(-1)?.at ?? 0) };
  const before = state.markers.filter((m) => m.at >= session.startedAt && m.at < span.startedAt);
  const markers = [
    { at: span.startedAt, kind: 'settings' as const, scenario: inForce(before) },
    ...state.markers.filter((m) => m.at >= span.startedAt && m.at <= span.now),
  ];
  const cast = castOf(order, markers);
  const members = new Set<string>(cast.nodes);
  const changes = changesSomething(cast);
  const faults: (ScenarioFault & { atMs: number })[] = [];
  const left = new Set<string>();
  for (const marker of markers) {
    const atMs = Math.round(marker.at - span.startedAt);
    for (const fault of marker.scenario ?? []) {
      const struck = asAppliedTo(fault, cast.nodes);
      if (!faultNodes(struck).every((id) => members.has(id)))
        left.add('faults of nodes no longer in the cluster');
      else if (changes(struck)) faults.push({ atMs, ...struck });
    }
    const why = notReplayed[marker.kind];
    if (why) left.add(why);
  }
  if (!workload.running) left.add('that the workload was paused (the scenario runs it at its rate)');
  const timers = nodeTimersFor(linkDelayMs);
  const lastFault = faults.at(-1)?.atMs ?? 0;
  const durationMs = Math.max(1_000, Math.round(span.now - span.startedAt), lastFault + 1_000);
  return {
    name: 'live-session',
    description: describe(faults.length, left),
    seed: 1,
    cluster: clusterOf(settings, cast, linkDelayMs, timers),
    workload: {
      kind: 'kv',
      clients: Math.min(50, Math.max(2, Math.ceil(workload.rate))),
      ratePerSecond: workload.rate,
      durationMs,
      settleMs: settleMsFor(timers.membership.gossipIntervalMs, cast.joining.size > 0),
      keys: workload.keys,
      mix: { get: workload.readFraction, put: 1 - workload.readFraction, delete: 0 },
      keyDistribution: 'uniform',
      valueBytes: 16,
    },
    faults,
  };
}

/**
 * How long the replay stays quiet after its workload: five gossip rounds, and with a join, long
 * enough for the old owners to delete what they handed the joiner (`rangeForwardGraceMs` after
 * their rings show it, with time for a join that waited or streamed late): the replay promises
 * convergence (P3), and a copy still outside its preference list at the end would break it.
 */
function settleMsFor(gossipIntervalMs: number, joins: boolean): number {
  const quiet = Math.max(5_000, 5 * gossipIntervalMs);
  return joins ? Math.max(quiet, rangeForwardGraceMs + 15_000) : quiet;
}

/** Faults that outlive new settings (the workers restart; links and clocks stay as they were). */
const lastingFaults: ReadonlySet<ScenarioFault['type']> = new Set([
  'partition',
  'cut',
  'slow',
  'loss',
  'skew',
]);

/**
 * The network faults and clock skews in force once the `before` markers had struck: those since the
 * last heal (a heal sets the clocks right, as skews of 0 after it). New settings restart every
 * worker, so the nodes are all up again, but the links and the clocks stay as they were: the file
 * begins with them.
 */
function inForce(before: readonly FaultMarker[]): ScenarioFault[] {
  const faults = before.flatMap((m) => m.scenario ?? []);
  const healed = faults.map((fault) => fault.type).lastIndexOf('heal');
  return faults.slice(healed + 1).filter((fault) => lastingFaults.has(fault.type));
}

type Condition = 'up' | 'down' | 'paused' | 'joining';

/**
 * Whether each fault, in the file's order, changes its node's condition; what changed nothing in
 * the lab stays out of the file, where the scenario rules would refuse it: a second heal resumes
 * the nodes the first one did (the page saw them paused until their workers said otherwise), a
 * restart finds its node up.
 */
function changesSomething(cast: Cast): (fault: ScenarioFault) => boolean {
  const conditions = new Map<string, Condition>(
    cast.nodes.map((id) => [id, cast.joining.has(id) ? 'joining' : 'up']),
  );
  const moves: Partial<Record<ScenarioFault['type'], [Condition | null, Condition]>> = {
    kill: [null, 'down'],
    restart: ['down', 'up'],
    pause: ['up', 'paused'],
    resume: ['paused', 'up'],
    join: ['joining', 'up'],
  };
  return (fault) => {
    // A wipe always strikes: a running node crashes first, and every node restarts empty.
    if (fault.type === 'wipe') conditions.set(fault.node, 'up');
    const move = 'node' in fault ? moves[fault.type] : undefined;
    if (!move || !('node' in fault)) return true;
    const [from, to] = move;
    const now = conditions.get(fault.node);
    if (from !== null ? now !== from : now === to) return false;
    conditions.set(fault.node, to);
    return true;
  };
}

/** The file's nodes, and which of them join during it. */
interface Cast {
  nodes: string[];
  joining: ReadonlySet<string>;
}

/**
 * Today's nodes, those that left during the session (members when it began) and those that joined
 * during it (declared joining; a join cancelled too: the file cancels it when the lab did).
 */
function castOf(order: readonly string[], markers: readonly Pick<FaultMarker, 'scenario'>[]): Cast {
  const joined = new Set<string>();
  const removed = new Set<string>();
  for (const fault of markers.flatMap((m) => m.scenario ?? [])) {
    if (fault.type === 'join') joined.add(fault.node);
    if (fault.type === 'decommission') removed.add(fault.node);
  }
  const nodes = [...new Set([...order, ...removed, ...joined])].sort((a, b) => numberOf(a) - numberOf(b));
  return { nodes, joining: joined };
}

function numberOf(id: string): number {
  return Number(/(\d+)$/.exec(id)?.[1] ?? 0);
}

/**
 * The fault as the lab applied it to the file's nodes: a partition keeps the nodes of the file and
 * puts those that came later in its group 0 (listed first, empty when no node was in it:
 * linkFaults.ts); a fault on every link (from and to both every node of the moment) covers every
 * node of the file.
 */
function asAppliedTo(fault: ScenarioFault, nodes: readonly string[]): ScenarioFault {
  if (fault.type === 'partition') {
    const kept = fault.groups.map((group) => group.filter((id) => nodes.includes(id)));
    const listed = new Set(kept.flat());
    const [zero = [], ...others] = kept;
    const groups = [[...zero, ...nodes.filter((id) => !listed.has(id))], ...others];
    return { ...fault, groups: groups.filter((group) => group.length > 0) };
  }
  if ((fault.type === 'slow' || fault.type === 'loss') && sameNodes(fault.from, fault.to))
    return { ...fault, from: [...nodes], to: [...nodes] };
  return fault;
}

function sameNodes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}

function clusterOf(
  s: ClusterSettings,
  cast: Cast,
  linkDelayMs: number,
  timers: ReturnType<typeof nodeTimersFor>,
): Record<string, unknown> {
  const twoDcs = s.dataCentres === 2;
  return {
    nodes: cast.nodes.map((id) => ({
      id,
      ...(twoDcs && { dataCentre: s.nodeDc[id] ?? 'west' }),
      ...(cast.joining.has(id) && { joining: true }),
    })),
    n: s.n,
    r: s.r,
    w: s.w,
    ...(twoDcs && { replicationPerDc: { ...s.replicasPerDc } }),
    virtualNodes: s.virtualNodes,
    conflictMode: s.conflictMode,
    quorum: s.quorum,
    detector: s.detector,
    readRepair: s.readRepair,
    storage: { memtableBytes: s.memtableBytes },
    ...(linkDelayMs > 0 && { latency: { kind: 'constant', ms: linkDelayMs } }),
    timeouts: {
      requestMs: timers.requestTimeoutMs,
      gossipIntervalMs: timers.membership.gossipIntervalMs,
      failMs: timers.membership.failTimeoutMs,
      cleanupMs: timers.membership.cleanupTimeoutMs,
    },
  };
}

/** The nodes a fault names (a partition's groups, a link fault's ends). */
function faultNodes(fault: ScenarioFault): string[] {
  if ('node' in fault) return [fault.node];
  if (fault.type === 'partition') return fault.groups.flat();
  if ('from' in fault) return [...fault.from, ...fault.to];
  return [];
}

function describe(faults: number, left: ReadonlySet<string>): string {
  const without = left.size > 0 ? `; not replayed: ${[...left].join(', ')}` : '';
  return `A live lab session saved as a scenario: its settings, its workload and ${faults === 0 ? 'no faults' : `its ${plural(faults, 'fault')} at the times they happened`} (the learner's own requests are not replayed${without}).`;
}
