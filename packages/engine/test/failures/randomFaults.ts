/**
 * Random compound fault schedules (Jepsen's combined nemesis, TESTING T3/T4): the fixed matrix
 * applies one fault at a time; here a seed draws a schedule that mixes them, a new fault every
 * 0.4–1.8 s — partitions into two groups, one-way cuts, heals, kills (process or power), restarts,
 * pauses and resumes, lossy and slow links, clock skew, at most one wipe — and, with `members`, n6
 * joining and a member leaving while they happen. At `endMs` everything heals, every node restarts
 * and resumes, and the workload's quiet period follows. `stretch` slows the whole schedule down.
 *
 * At most two nodes are down at once and one paused, so a majority of every key's replicas can come
 * back; one wipe at most, with no node down, so at least one copy of every acknowledged write stays.
 * `churnFaults` draws the same faults among repeated joins and departures.
 */

import { nodeIds } from '../../src/protocol/ids.ts';
import { Rng } from '../../src/random/rng.ts';

export interface RandomFaultOptions {
  /** When the faults stop and everything heals (ms). */
  endMs: number;
  /** Allow one wipe of a node's disk. */
  wipe: boolean;
  /** n6 joins (it must be declared joining) and a member is decommissioned. */
  members: boolean;
  /**
   * Multiplies every time of the schedule (default 1): 12 spaces the faults 5–22 s apart, so
   * partitions and outages outlast T_cleanup (30 s) and gossip removes the members it misses.
   */
  stretch?: number;
}

type FaultBody = Record<string, unknown> & { type: string };
type Fault = FaultBody & { atMs: number };

/** The cluster nodes a schedule with `members` needs: n1 … n5, and n6 joining. */
export const joiningCluster = {
  nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }, { id: 'n4' }, { id: 'n5' }, { id: 'n6', joining: true }],
};

/** The schedule `seed` draws. */
export function randomFaults(seed: number, options: RandomFaultOptions): Fault[] {
  const rng = new Rng(seed, 'fault-schedule');
  const draw = new FaultDraw(rng, options.members ? nodeIds(6) : nodeIds(5), options.wipe);
  const joinAt = 1_500 + rng.int(4_000);
  const leaveAt = joinAt + 1_000 + rng.int(5_000);
  let joined = !options.members;
  let left = !options.members;
  const faults: Fault[] = [];
  for (let at = 800 + rng.int(700); at < options.endMs; at += 400 + rng.int(1_400)) {
    const fault = !joined && at >= joinAt ? join() : !left && at >= leaveAt ? leave() : draw.fault();
    if (fault) faults.push({ atMs: at, ...fault });
  }
  return draw.end(faults, options.endMs, options.stretch ?? 1);

  function join(): FaultBody {
    joined = true;
    return draw.join('n6');
  }

  function leave(): FaultBody | null {
    left = true;
    return draw.leave();
  }
}

/**
 * Membership churn (a sweep of its own): n6, n7 and n8 join and members leave one after another
 * among the same faults as `randomFaults`, about one change in three draws once two draws have
 * passed since the last; in `killLeaver` of the departures the leaver is killed at the next draw,
 * in the middle of its hand-over, and restarted later; in `cancelJoin` of the joins the join is
 * called off 0.1–0.7 s after it is due (`cancel-join`, the lab's remove of a joining node), drawn
 * from a stream of its own, so that the schedules without cancellations stay as they were. At
 * least four members stay. Joiners must be declared joining (`churnCluster`). Changes wait for each other in the nemesis, so a fault may come
 * for a joiner whose join has not begun yet: the nemesis skips it.
 */
export function churnFaults(seed: number, options: ChurnFaultOptions): Fault[] {
  const rng = new Rng(seed, 'churn-schedule');
  const cancels = new Rng(seed, 'churn-cancels');
  const draw = new FaultDraw(rng, nodeIds(8), options.wipe);
  const joiners = ['n6', 'n7', 'n8'];
  const faults: Fault[] = [];
  let lastChange = -10;
  let leaver: string | null = null;
  let tick = 0;
  for (let at = 800 + rng.int(700); at < options.endMs; at += 400 + rng.int(1_400), tick++) {
    let fault: FaultBody | null;
    if (leaver !== null) {
      fault = draw.kill(leaver);
      leaver = null;
    } else if (tick - lastChange >= 2 && rng.chance(0.35)) fault = change();
    else fault = draw.fault();
    if (fault) faults.push({ atMs: at, ...fault });
    if (fault?.type === 'join' && cancels.float() < (options.cancelJoin ?? 0)) {
      faults.push({ atMs: at + 100 + cancels.int(600), type: 'cancel-join', node: fault.node });
      draw.cancel(fault.node as string);
    }
  }
  return draw.end(faults, options.endMs, options.stretch ?? 1);

  function change(): FaultBody | null {
    const members = draw.members.length;
    if (joiners.length > 0 && (members <= 4 || rng.chance(0.5))) {
      lastChange = tick;
      return draw.join(joiners.shift() as string);
    }
    if (members <= 4) return null;
    const leave = draw.leave();
    if (!leave) return null;
    lastChange = tick;
    if (draw.down.size < 2 && rng.float() < options.killLeaver) leaver = leave.node as string;
    return leave;
  }
}

export interface ChurnFaultOptions extends Omit<RandomFaultOptions, 'members'> {
  /** The share of departures whose leaver is killed during its hand-over (0…1). */
  killLeaver: number;
  /** The share of joins called off soon after they are due (0…1; none by default). */
  cancelJoin?: number;
}

/** The cluster `churnFaults` needs: n1 … n5, and n6, n7, n8 joining. */
export const churnCluster = {
  nodes: nodeIds(8).map((id, i) => (i < 5 ? { id } : { id, joining: true })),
};

/**
 * What a schedule has done to the cluster so far, and the draw of its next fault: the members on
 * the ring, who is down, who is paused, whether the one wipe happened.
 */
class FaultDraw {
  readonly members: string[] = nodeIds(5);
  readonly down = new Set<string>();
  readonly paused = new Set<string>();
  private wiped: boolean;

  constructor(
    private readonly rng: Rng,
    /** Every node a partition splits, joiners included. */
    private readonly everyone: readonly string[],
    wipe: boolean,
  ) {
    this.wiped = !wipe;
  }

  join(node: string): FaultBody {
    this.members.push(node);
    return { type: 'join', node };
  }

  /** A joiner whose join is called off: no longer a member, nothing to bring back. */
  cancel(node: string): void {
    this.members.splice(this.members.indexOf(node), 1);
    this.down.delete(node);
    this.paused.delete(node);
  }

  /** Decommissions a member that is up and running, chosen at random. */
  leave(): FaultBody | null {
    const candidates = this.members.filter((id) => !this.down.has(id) && !this.paused.has(id));
    if (candidates.length === 0) return null;
    const node = this.rng.pick(candidates);
    this.members.splice(this.members.indexOf(node), 1);
    return { type: 'decommission', node };
  }

  kill(node: string): FaultBody {
    this.down.add(node);
    this.paused.delete(node);
    return { type: 'kill', node, mode: this.rng.chance(0.5) ? 'power' : 'process' };
  }

  /** Heals everything at `endMs`, restarts and resumes every node, and slows it all down by `stretch`. */
  end(faults: Fault[], endMs: number, stretch: number): Fault[] {
    faults.push({ atMs: endMs, type: 'heal' });
    for (const node of this.down) faults.push({ atMs: endMs, type: 'restart', node });
    for (const node of this.paused) faults.push({ atMs: endMs, type: 'resume', node });
    return stretch === 1 ? faults : faults.map((fault) => ({ ...fault, atMs: fault.atMs * stretch }));
  }

  /** Restarts a node that is down, or resumes a paused one, chosen at random. */
  private bringBack(nodes: Set<string>, type: 'restart' | 'resume'): FaultBody | null {
    if (nodes.size === 0) return null;
    const node = this.rng.pick([...nodes]);
    nodes.delete(node);
    return { type, node };
  }

  fault(): FaultBody | null {
    const { rng, members, down, paused } = this;
    const up = members.filter((id) => !down.has(id));
    switch (rng.int(11)) {
      case 0: {
        const shuffled = rng.shuffle(this.everyone);
        const cut = 1 + rng.int(this.everyone.length > 6 ? 3 : 2);
        return { type: 'partition', groups: [shuffled.slice(0, cut), shuffled.slice(cut)] };
      }
      case 1: {
        const from = rng.pick(members);
        return { type: 'cut', from: [from], to: [rng.pick(members.filter((id) => id !== from))] };
      }
      case 2:
        return { type: 'heal' };
      case 3:
        return down.size >= 2 || up.length === 0 ? null : this.kill(rng.pick(up));
      case 4:
        return this.bringBack(down, 'restart');
      case 5: {
        const running = up.filter((id) => !paused.has(id));
        if (paused.size > 0 || running.length === 0) return null;
        const node = rng.pick(running);
        paused.add(node);
        return { type: 'pause', node };
      }
      case 6:
        return this.bringBack(paused, 'resume');
      case 7: {
        const [probability, duplicate, reorder] = [
          0.1 + rng.float() * 0.2,
          rng.float() * 0.2,
          rng.float() * 0.2,
        ];
        return { type: 'loss', from: members, to: members, probability, duplicate, reorder };
      }
      case 8: {
        const latency = { kind: 'uniform', minMs: 5, maxMs: 5 + rng.int(200) };
        return { type: 'slow', from: [rng.pick(members)], to: members, latency };
      }
      case 9:
        return { type: 'skew', node: rng.pick(members), ms: rng.int(10_001) - 5_000 };
      default: {
        if (this.wiped || down.size > 0) return null;
        this.wiped = true;
        const node = rng.pick(members);
        paused.delete(node);
        return { type: 'wipe', node };
      }
    }
  }
}

/**
 * Two data centres of three nodes, two replicas of every key in each, slower links between them
 * (`twoDataCentreFaults` draws schedules for it).
 */
export const twoDataCentreCluster = {
  nodes: ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id, i) => ({ id, dataCentre: i < 3 ? 'west' : 'east' })),
  n: 4,
  replicationPerDc: { west: 2, east: 2 },
  interDcLatency: { kind: 'exponential', meanMs: 20, minMs: 10 },
};

/**
 * A schedule for `twoDataCentreCluster`: the five-node schedule of `seed` (n6 joins n5's side of
 * every partition), and in half the seeds a data centre cut off for 1–5 s.
 */
export function twoDataCentreFaults(seed: number, options: { endMs: number; wipe: boolean }): Fault[] {
  const rng = new Rng(seed, 'dc-sweep');
  const faults = randomFaults(seed, { ...options, members: false });
  for (const fault of faults) {
    if (fault.type !== 'partition') continue;
    const groups = fault.groups as string[][];
    (groups.find((group) => group.includes('n5')) ?? (groups[0] as string[])).push('n6');
  }
  if (rng.chance(0.5)) {
    const at = 1_000 + rng.int(options.endMs - 4_000);
    const dc = rng.pick(['west', 'east']);
    faults.push({ atMs: at, type: 'dc-outage', dc, mode: 'partition' });
    faults.push({ atMs: Math.min(options.endMs - 1, at + 1_000 + rng.int(4_000)), type: 'dc-restore', dc });
    faults.sort((a, b) => a.atMs - b.atMs);
  }
  return faults;
}
