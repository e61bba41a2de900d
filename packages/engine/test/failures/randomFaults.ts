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
 */

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
  const everyone = options.members ? ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'] : ['n1', 'n2', 'n3', 'n4', 'n5'];
  const members = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const down = new Set<string>();
  const paused = new Set<string>();
  const joinAt = 1_500 + rng.int(4_000);
  const leaveAt = joinAt + 1_000 + rng.int(5_000);
  let joined = !options.members;
  let left = !options.members;
  let wiped = !options.wipe;
  const faults: Fault[] = [];
  for (let at = 800 + rng.int(700); at < options.endMs; at += 400 + rng.int(1_400)) {
    const fault = !joined && at >= joinAt ? join() : !left && at >= leaveAt ? leave() : drawFault();
    if (fault) faults.push({ atMs: at, ...fault });
  }
  faults.push({ atMs: options.endMs, type: 'heal' });
  for (const node of down) faults.push({ atMs: options.endMs, type: 'restart', node });
  for (const node of paused) faults.push({ atMs: options.endMs, type: 'resume', node });
  const stretch = options.stretch ?? 1;
  return stretch === 1 ? faults : faults.map((fault) => ({ ...fault, atMs: fault.atMs * stretch }));

  function join(): FaultBody {
    joined = true;
    members.push('n6');
    return { type: 'join', node: 'n6' };
  }

  function leave(): FaultBody {
    left = true;
    const node = rng.pick(members.filter((id) => !down.has(id) && !paused.has(id)));
    members.splice(members.indexOf(node), 1);
    return { type: 'decommission', node };
  }

  /** Restarts a node that is down, or resumes a paused one, chosen at random. */
  function bringBack(nodes: Set<string>, type: 'restart' | 'resume'): FaultBody | null {
    if (nodes.size === 0) return null;
    const node = rng.pick([...nodes]);
    nodes.delete(node);
    return { type, node };
  }

  function drawFault(): FaultBody | null {
    const up = members.filter((id) => !down.has(id));
    switch (rng.int(11)) {
      case 0: {
        const shuffled = rng.shuffle(everyone);
        const cut = 1 + rng.int(2);
        return { type: 'partition', groups: [shuffled.slice(0, cut), shuffled.slice(cut)] };
      }
      case 1: {
        const from = rng.pick(members);
        return { type: 'cut', from: [from], to: [rng.pick(members.filter((id) => id !== from))] };
      }
      case 2:
        return { type: 'heal' };
      case 3: {
        if (down.size >= 2 || up.length === 0) return null;
        const node = rng.pick(up);
        down.add(node);
        paused.delete(node);
        return { type: 'kill', node, mode: rng.chance(0.5) ? 'power' : 'process' };
      }
      case 4:
        return bringBack(down, 'restart');
      case 5: {
        const running = up.filter((id) => !paused.has(id));
        if (paused.size > 0 || running.length === 0) return null;
        const node = rng.pick(running);
        paused.add(node);
        return { type: 'pause', node };
      }
      case 6:
        return bringBack(paused, 'resume');
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
        if (wiped || down.size > 0) return null;
        wiped = true;
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
