/**
 * Membership changes from a scenario file (SPEC §3, 1.7): `join` starts a node declared `joining`
 * and `decommission` hands a node's ranges over; the runner's report judges the nodes on the final
 * ring, with every promised checker valid: P1 finds no acknowledged write lost, and P3 finds every
 * key on its final preference list only (the old owners deleted what they handed to the joiner once
 * the forwarding grace period was over, rangeCleanup.ts). Changes happen one at a time: a
 * decommission due during a join waits for it; a join cancelled mid-stream leaves no member waiting on
 * the joiner; one that has not ended when the run does is reported. A schedule that joins an
 * undeclared node is refused
 * with a sentence naming the fault, and a decommission that would leave fewer than N nodes is
 * refused by the node unless forced.
 */
import { describe, expect, it } from 'vitest';
import { kvScenario } from '../../test/failures/kvFailureHarness.ts';
import { joiningCluster, randomFaults } from '../../test/failures/randomFaults.ts';
import { isKvError } from '../errors.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import type { NodeId } from '../protocol/ids.ts';
import { parseScenario } from '../scenario/parseScenario.ts';
import { runScenario } from '../scenario/runScenario.ts';
import { summarizeReport } from '../scenario/summary.ts';
import type { Scenario } from '../scenario/types.ts';

const file = {
  name: 'grow-and-shrink',
  seed: 5,
  cluster: {
    nodes: [{ id: 'n1' }, { id: 'n2' }, { id: 'n3' }, { id: 'n4' }, { id: 'n5', joining: true, weight: 2 }],
    n: 3,
    r: 2,
    w: 2,
    timeouts: { antiEntropyIntervalMs: 0 },
  },
  // The settle time outlasts rangeForwardGraceMs (30 s) after the join, so the old owners clean up.
  workload: { kind: 'kv', clients: 4, ratePerSecond: 100, durationMs: 12_000, settleMs: 30_000, keys: 200 },
  faults: [
    { atMs: 3_000, type: 'join', node: 'n5' },
    { atMs: 7_000, type: 'decommission', node: 'n2' },
  ],
};

describe('membership changes in scenarios', () => {
  it('joins and decommissions under load and loses no acknowledged write', () => {
    const scenario = parseScenario(file);
    if (isKvError(scenario)) throw scenario;
    const report = runScenario(scenario);
    if (isKvError(report)) throw report;
    expect(report.aborted).toBeUndefined();
    expect(report.unfinishedChange).toBeUndefined();
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n3', 'n4', 'n5']);
    expect(report.faults.map((f) => f.type)).toEqual(['join', 'decommission']);
    const p1 = report.checkers.results.find((r) => r.property === 'P1');
    expect(p1?.violationCount).toBe(0);
    expect(p1?.counts.acknowledged).toBeGreaterThan(500);
    // P3 judges placement on the final ring: no key left outside its preference list, none diverged.
    const failing = report.checkers.results.filter((r) => r.promised && !r.valid).map((r) => r.property);
    const p3 = report.checkers.results.find((r) => r.property === 'P3');
    console.log('P3 after join + decommission:', JSON.stringify(p3?.counts));
    expect(p3?.promised).toBe(true);
    expect(p3?.counts).toMatchObject({ keysOutsidePreferenceList: 0, keysDiverged: 0 });
    expect(failing).toEqual([]);
  });

  it('reports a change that has not ended when the run does, and the summary says so', () => {
    // n2 is cut off from every other node just before it is asked to leave: it cannot hand over.
    const cutOff = {
      ...file,
      cluster: { ...file.cluster, nodes: file.cluster.nodes.slice(0, 4).concat({ id: 'n5' }) },
      workload: { ...file.workload, settleMs: 10_000 },
      faults: [
        { atMs: 6_900, type: 'partition', groups: [['n2'], ['n1', 'n3', 'n4', 'n5']] },
        { atMs: 7_000, type: 'decommission', node: 'n2' },
      ],
    };
    const scenario = parseScenario(cutOff);
    if (isKvError(scenario)) throw scenario;
    const report = runScenario(scenario);
    if (isKvError(report)) throw report;
    expect(report.unfinishedChange).toMatch(
      /^n2's decommission, started at 7000 ms, had not finished at \d+ ms$/,
    );
    expect(summarizeReport(report)).toContain(`UNFINISHED membership change: ${report.unfinishedChange}`);
  });

  it("sends the hints kept for a decommissioned node to its keys' replicas instead", () => {
    // Random compound faults, seed 106 (randomFaults.ts): stand-ins keep hints for the member that
    // leaves, which is gone before they can replay them. Without the reroute they stay for ever
    // and P3 reports them. Rare: 1 of seeds 1–199 reroutes (3 did while background anti-entropy
    // still started exchanges with peers found down, which changed the timing of runs with faults).
    const faults = randomFaults(106, { endMs: 12_000, wipe: false, members: true });
    const leaving = kvScenario('hints-for-a-leaver', faults, {
      cluster: { quorum: 'sloppy', ...joiningCluster },
      workload: { settleMs: 45_000 },
    });
    const scenario = parseScenario(leaving);
    if (isKvError(scenario)) throw scenario;
    const events: ClusterEvent[] = [];
    const report = runScenario(scenario, { seed: 106, onEvent: (e) => events.push(e) });
    if (isKvError(report)) throw report;
    const rerouted = events.filter((e) => e.type === 'hint.rerouted');
    expect(rerouted.length).toBeGreaterThan(0);
    const left = faults.flatMap((f) => (f.type === 'decommission' ? [f.node] : []));
    expect(
      rerouted.every((e) => e.type === 'hint.rerouted' && left.includes(e.owner) && e.to !== e.owner),
    ).toBe(true);
    const p3 = report.checkers.results.find((r) => r.property === 'P3');
    expect(p3?.counts).toMatchObject({ hintsLeft: 0, keysDiverged: 0, keysOutsidePreferenceList: 0 });
    expect(report.checkers.results.find((r) => r.property === 'P1')?.violationCount).toBe(0);
    expect(report.valid).toBe(true);
  });

  it('lets the autoscaler add a node under sustained load, which joins by streaming', () => {
    const scaling = {
      ...file,
      workload: { ...file.workload, settleMs: 2_000 },
      cluster: {
        ...file.cluster,
        nodes: 3,
        autoscaler: { highLoadPerNode: 20, lowLoadPerNode: 1, minNodes: 3, maxNodes: 4, sustainMs: 2_000 },
      },
      faults: [],
    };
    const scenario = parseScenario(scaling);
    if (isKvError(scenario)) throw scenario;
    const report = runScenario(scenario);
    if (isKvError(report)) throw report;
    expect(report.faults.map((f) => f.description)).toEqual([
      'join as1: it streams the ranges it gains, then serves',
    ]);
    expect(Object.keys(report.finalState).sort()).toEqual(['as1', 'n1', 'n2', 'n3']);
    expect(report.checkers.results.find((r) => r.property === 'P1')?.violationCount).toBe(0);
  });

  it('lets the autoscaler remove a node that is up, not a paused one that coordinates nothing', () => {
    // Autoscaler sweep, seed 74: it chose paused n5, the least loaded; the nemesis started the
    // decommission at once, the paused node never heard it, and every later change waited for ever.
    const shrinking = {
      ...file,
      workload: { ...file.workload, ratePerSecond: 20, settleMs: 40_000 },
      cluster: {
        ...file.cluster,
        nodes: 5,
        autoscaler: {
          highLoadPerNode: 1_000,
          lowLoadPerNode: 50,
          minNodes: 4,
          maxNodes: 6,
          sustainMs: 1_000,
        },
      },
      faults: [
        { atMs: 200, type: 'pause', node: 'n5' },
        { atMs: 9_000, type: 'resume', node: 'n5' },
      ],
    };
    const report = runScenario(parseScenario(shrinking) as Scenario);
    if (isKvError(report)) throw report;
    const changes = report.faults.filter((f) => f.type === 'decommission').map((f) => f.description);
    expect(changes).toEqual(['decommission n1: it hands its ranges over, then leaves']);
    expect(Object.keys(report.finalState).sort()).toEqual(['n2', 'n3', 'n4', 'n5']);
    expect(report.valid).toBe(true);
  });

  it('places the node the autoscaler adds in a data centre that keeps replicas', () => {
    // It used to join the default data centre, dc1, which keeps no copy under replicationPerDc:
    // a node that served nothing, added for load it could not take.
    const nodes = [1, 2, 3, 4, 5, 6].map((i) => ({ id: `n${i}`, dataCentre: i <= 3 ? 'west' : 'east' }));
    const twoDcs = {
      ...file,
      workload: { ...file.workload, ratePerSecond: 60, durationMs: 8_000 },
      cluster: {
        ...file.cluster,
        nodes,
        n: 4,
        replicationPerDc: { west: 2, east: 2 },
        autoscaler: { highLoadPerNode: 5, lowLoadPerNode: 1, minNodes: 4, maxNodes: 7, sustainMs: 1_000 },
      },
      faults: [],
    };
    const report = runScenario(parseScenario(twoDcs) as Scenario);
    if (isKvError(report)) throw report;
    expect(report.faults.map((f) => f.description)).toEqual([
      'join as1: it streams the ranges it gains, then serves',
    ]);
    expect(Object.keys(report.finalState.as1 ?? {}).length).toBeGreaterThan(0);
    expect(report.valid).toBe(true);
  });

  it('refuses autoscaler thresholds without a gap', () => {
    const bad = {
      ...file,
      cluster: {
        ...file.cluster,
        autoscaler: { highLoadPerNode: 5, lowLoadPerNode: 5, minNodes: 3, maxNodes: 6 },
      },
    };
    const parsed = parseScenario(bad);
    expect(isKvError(parsed) && parsed.message).toMatch(/cluster\.autoscaler: lowLoadPerNode must be/);
  });

  it('holds a decommission due while a join is in progress until the joiner serves (one change at a time)', () => {
    const overlapping = {
      ...file,
      faults: [file.faults[0], { atMs: 3_001, type: 'decommission', node: 'n2' }],
    };
    const scenario = parseScenario(overlapping);
    if (isKvError(scenario)) throw scenario;
    const events: ClusterEvent[] = [];
    const report = runScenario(scenario, { onEvent: (e) => events.push(e) });
    if (isKvError(report)) throw report;
    const joined = events.find((e) => e.type === 'rebalance.finished' && e.node === 'n5')?.at ?? 0;
    const seen = events.find(
      (e) => e.type === 'ring.changed' && e.node === 'n2' && e.added.includes('n5' as NodeId),
    );
    expect(report.faults.map((f) => f.description)).toEqual([
      'join n5: it streams the ranges it gains, then serves',
      'decommission n2 waits: n5 is still joining (one membership change at a time)',
      'decommission n2: it hands its ranges over, then leaves',
    ]);
    // It began once n5 served and n2's own ring showed n5: n2 hands its ranges to the right nodes.
    expect(report.faults[2]?.atMs).toBeGreaterThan(Math.max(joined, seen?.at ?? Number.POSITIVE_INFINITY));
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n3', 'n4', 'n5']);
    expect(report.valid).toBe(true);
  });

  // At 2 s a hop, n5's stream requests are still on the wire when the members are told it is gone:
  // n2 took a late one for a new stream to n5 and never left (the lab's membership.spec in CI).
  for (const ms of [150, 2_000])
    it(`cancels a join mid-stream: every member forgets the joiner, so a source decommissioned next leaves (${ms} ms a hop)`, () => {
      const all = ['n1', 'n2', 'n3', 'n4', 'n5'];
      const cancelled = {
        ...file,
        faults: [
          // Slow links keep n5 pulling its ranges (n2 among its sources) when the join is called off.
          { atMs: 2_900, type: 'slow', from: all, to: all, latency: { kind: 'constant', ms } },
          file.faults[0],
          { atMs: 3_500, type: 'cancel-join', node: 'n5' },
          { atMs: 3_600, type: 'kill', node: 'n5' },
          { atMs: 4_000, type: 'heal' },
          { atMs: 6_000, type: 'decommission', node: 'n2' },
        ],
      };
      const scenario = parseScenario(cancelled);
      if (isKvError(scenario)) throw scenario;
      const events: ClusterEvent[] = [];
      const report = runScenario(scenario, { onEvent: (e) => events.push(e) });
      if (isKvError(report)) throw report;
      expect(events.some((e) => e.type === 'stream.started' && e.node === 'n5' && e.peer === 'n2')).toBe(
        true,
      );
      expect(report.faults.map((f) => f.description).filter((d) => !d.startsWith('slow'))).toEqual([
        'join n5: it streams the ranges it gains, then serves',
        'cancel-join n5: it stops for good, and every member is told it is gone',
        "kill n5 skipped: n5's join was cancelled",
        'heal: every link restored to the scenario’s settings',
        'decommission n2: it hands its ranges over, then leaves',
      ]);
      // n2 would otherwise keep forwarding writes to n5 and wait for their acknowledgements (10 min).
      expect(report.unfinishedChange).toBeUndefined();
      const left = events.find((e) => e.type === 'rebalance.finished' && e.kind === 'decommission');
      expect(left?.node).toBe('n2');
      expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n3', 'n4']);
      expect(report.valid).toBe(true);
    });

  it('skips a fault aimed at a joiner whose join still waits, and says so', () => {
    const twoJoiners = {
      ...file,
      cluster: { ...file.cluster, nodes: [...file.cluster.nodes, { id: 'n6', joining: true }] },
      faults: [
        file.faults[0],
        { atMs: 3_001, type: 'join', node: 'n6' },
        { atMs: 3_002, type: 'skew', node: 'n6', ms: 500 },
        { atMs: 3_003, type: 'kill', node: 'n6', mode: 'process' },
        { atMs: 3_004, type: 'restart', node: 'n6' },
      ],
    };
    const scenario = parseScenario(twoJoiners);
    if (isKvError(scenario)) throw scenario;
    const report = runScenario(scenario);
    if (isKvError(report)) throw report;
    expect(report.aborted).toBeUndefined();
    expect(report.faults.map((f) => f.description)).toEqual([
      'join n5: it streams the ranges it gains, then serves',
      'join n6 waits: n5 is still joining (one membership change at a time)',
      'skew n6 skipped: n6 has not started yet (its join waits)',
      'kill n6 skipped: n6 has not started yet (its join waits)',
      'restart n6 skipped: n6 has not started yet (its join waits)',
      'join n6: it streams the ranges it gains, then serves',
    ]);
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    expect(report.valid).toBe(true);
  });

  it('refuses a decommission that would leave fewer than N nodes, unless forced', () => {
    const shrink = (force?: boolean) => ({
      ...file,
      cluster: { ...file.cluster, nodes: 3 },
      faults: [{ atMs: 3_000, type: 'decommission', node: 'n2', ...(force === undefined ? {} : { force }) }],
    });
    const refused = runScenario(parseScenario(shrink()) as Scenario);
    if (isKvError(refused)) throw refused;
    expect(refused.faults.map((f) => f.description)).toEqual([
      'decommission n2 refused: KV_INVALID_ARGUMENT: n2 cannot be decommissioned: it would leave 2 nodes, fewer than N=3 replicas of every key (force it to accept that)',
    ]);
    expect(Object.keys(refused.finalState).sort()).toEqual(['n1', 'n2', 'n3']);
    expect(refused.valid).toBe(true);
    const forced = runScenario(parseScenario(shrink(true)) as Scenario);
    if (isKvError(forced)) throw forced;
    expect(forced.faults.map((f) => f.description)).toEqual([
      'decommission n2: it hands its ranges over, then leaves',
    ]);
    expect(Object.keys(forced.finalState).sort()).toEqual(['n1', 'n3']);
  });

  it('starts the changes queued behind a decommission refused when its turn came', () => {
    // Churn seed 9588: n6's decommission waited for n4's, then was refused (n6, wiped, was still
    // bootstrapping again); nothing started the two joins queued behind it, and the run ended with
    // them never started. Here n3's decommission, once n4 has left, would leave 2 nodes for N=3.
    const queued = {
      ...file,
      faults: [
        { atMs: 3_000, type: 'decommission', node: 'n4' },
        { atMs: 3_001, type: 'decommission', node: 'n3' },
        { atMs: 3_002, type: 'join', node: 'n5' },
      ],
    };
    const report = runScenario(parseScenario(queued) as Scenario);
    if (isKvError(report)) throw report;
    expect(report.unfinishedChange).toBeUndefined();
    const log = report.faults.map((f) => f.description);
    expect(log.slice(3)).toEqual([
      'decommission n3 refused: KV_INVALID_ARGUMENT: n3 cannot be decommissioned: it would leave 2 nodes, fewer than N=3 replicas of every key (force it to accept that)',
      'join n5: it streams the ranges it gains, then serves',
    ]);
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n2', 'n3', 'n5']);
    expect(report.valid).toBe(true);
  });

  it('refuses a decommission that would leave a data centre fewer nodes than its replicas', () => {
    const nodes = [
      { id: 'n1', dataCentre: 'west' },
      { id: 'n2', dataCentre: 'west' },
      { id: 'n3', dataCentre: 'east' },
    ];
    const twoDcs = {
      ...file,
      cluster: { ...file.cluster, nodes, n: 2, r: 1, w: 1, replicationPerDc: { west: 1, east: 1 } },
      faults: [{ atMs: 3_000, type: 'decommission', node: 'n3' }],
    };
    const report = runScenario(parseScenario(twoDcs) as Scenario);
    if (isKvError(report)) throw report;
    expect(report.faults[0]?.description).toBe(
      'decommission n3 refused: KV_INVALID_ARGUMENT: n3 cannot be decommissioned: it would leave 0 nodes in east, fewer than its 1 replica of every key (force it to accept that)',
    );
  });

  it('asks a leaver wiped during its hand-over to leave again once it has rebuilt', () => {
    // Autoscaler sweep, seed 24: the wipe erased the record that it was leaving; the nemesis took
    // its rebuild for the end of the decommission, and n5 stayed on every ring but the report's.
    const wipedLeaver = {
      ...file,
      cluster: { ...file.cluster, nodes: 5 },
      faults: [
        { atMs: 2_999, type: 'partition', groups: [['n5'], ['n1', 'n2', 'n3', 'n4']] },
        { atMs: 3_000, type: 'decommission', node: 'n5' },
        { atMs: 4_000, type: 'wipe', node: 'n5' },
        { atMs: 5_000, type: 'heal' },
      ],
    };
    const report = runScenario(parseScenario(wipedLeaver) as Scenario);
    if (isKvError(report)) throw report;
    const log = report.faults.map((f) => f.description);
    expect(log).toContain(
      'wipe n5: 5 file(s) deleted, restarted empty; its decommission is asked again once it has rebuilt',
    );
    expect(log).toContain('decommission n5 again');
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(report.valid).toBe(true);
  });

  it('refuses to decommission a wiped node before it has rebuilt', () => {
    // Autoscaler sweep, seed 636: n2, wiped 4 ms before, accepted the decommission while its rebuild
    // was still due; the rebuild then began over it, and the decommission never ended.
    // Under strict quorums, where a wiped node rebuilds before it answers reads.
    const justWiped = {
      ...file,
      cluster: { ...file.cluster, nodes: 5, quorum: 'strict' },
      faults: [
        { atMs: 3_000, type: 'wipe', node: 'n2' },
        { atMs: 3_001, type: 'decommission', node: 'n2' },
      ],
    };
    const report = runScenario(parseScenario(justWiped) as Scenario);
    if (isKvError(report)) throw report;
    expect(report.faults[1]?.description).toBe(
      'decommission n2 refused: KV_INVALID_ARGUMENT: n2 cannot be decommissioned while waiting to rebuild its ranges (it lost its disk)',
    );
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(report.valid).toBe(true);
  });

  it('skips a fault aimed at a node that has left the cluster', () => {
    const afterLeaving = {
      ...file,
      cluster: { ...file.cluster, nodes: 5 },
      faults: [
        { atMs: 3_000, type: 'decommission', node: 'n2' },
        { atMs: 8_000, type: 'wipe', node: 'n2' },
        { atMs: 9_000, type: 'kill', node: 'n2', mode: 'power' },
      ],
    };
    const report = runScenario(parseScenario(afterLeaving) as Scenario);
    if (isKvError(report)) throw report;
    expect(report.faults.map((f) => f.description)).toEqual([
      'decommission n2: it hands its ranges over, then leaves',
      'wipe n2 skipped: n2 has left the cluster',
      'kill n2 skipped: n2 has left the cluster',
    ]);
    expect(Object.keys(report.finalState).sort()).toEqual(['n1', 'n3', 'n4', 'n5']);
    expect(report.valid).toBe(true);
  });

  it('refuses a join of a node not declared joining', () => {
    const bad = { ...file, faults: [{ atMs: 3_000, type: 'join', node: 'n1' }] };
    const parsed = parseScenario(bad);
    expect(isKvError(parsed) && parsed.message).toMatch(/faults\[0\]: join n1 at 3000 ms, but n1 is up/);
  });
});
