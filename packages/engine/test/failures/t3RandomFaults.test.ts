/**
 * T3/T4 with random compound faults (randomFaults.ts): each seed draws a schedule that mixes
 * partitions, cuts, kills with and without power loss, pauses, lossy and slow links, clock skew and,
 * in three of the five workloads, a wipe; in four of them n6 joins and a member leaves meanwhile. Then
 * everything heals and the cluster is quiet (45 s after membership changes: longer than the 30 s the
 * old owners wait before cleaning up after a join). Every promised property must hold: strict
 * quorums promise fresh reads (P4, P5) across joins and decommissions too (checker.ts
 * `freshReadsPromised`).
 *
 * Sweeps of these schedules found twenty bugs, each pinned by a test: a stream retry that never fired
 * and forwards of late writes lost on the way (rangeStreams.test.ts); a refused decommission taken as
 * done, stray keys no one handed over and hints kept for a node that had left
 * (scenarioMembership.test.ts); a node restarted with its clock set back kept down for ever
 * (clockSetBack.test.ts); a joiner's livelock, a bootstrapping joiner coordinating forwarded writes
 * and a stray key skipped for its pending hint (pinned seeds 35, 133 and 920); and two in a wiped
 * node's counters: old writes its new counters seemed to cover (seed 440's schedule, below) and a
 * dot issued twice after its clock was set back (pinned seed 1363; wipedCoordinator.test.ts); and a
 * departure a restarted node never applied to its saved ring (pinned seed 1783, membership.test.ts),
 * and one announced once while cut off and never heard (N=5, seed 2, below); a joiner that
 * served before a write an old owner forwarded it had arrived (pinned seed 69, rangeFences.test.ts),
 * a wiped replica that answered reads with its empty copy (pinned seed 36, wipedReplica.test.ts), a
 * decommission that ran during a join (pinned seed 232, scenarioMembership.test.ts), one that
 * began before its node's ring showed the join (R=1 W=3, seed 1, re-timed below), a joiner that
 * served on the fence of a loser wiped since (seed 11098, wipedLoser.test.ts), and a node restarted after
 * a join and during a departure that served on a ring with the departure but not the join (R=1 W=3,
 * phi-accrual, seed 144, below; ringRestart.test.ts) or that, cut off through a join, heard of the
 * next departure first (R=1 W=3, seed 683, below). Schedules slowed down twelvefold found a
 * partition longer than T_cleanup that never healed (each side forgot the other) and a departure
 * missed by a node cut off that long (longPartition.test.ts, missedDepartures.test.ts), and a
 * decommission held up past the clean-up of the join before it (leavers.test.ts; slow runs below).
 * Schedules with membership churn (three joins, several departures) found a fault aimed at a joiner
 * whose join still waited, which stopped the run, changes queued behind a refused decommission
 * that never started, and departed members taken back onto a late joiner's ring
 * (scenarioMembership.test.ts, ringMembership.test.ts; churn runs below). With the
 * autoscaler on, they found it removing a paused node and a wiped leaver forgetting it was leaving
 * (scenarioMembership.test.ts; autoscaler runs below).
 * Default seeds 1–5 per workload and the pinned ones; `KVSCOPE_SEEDS=N` runs N (from
 * `KVSCOPE_SEED_FROM` when set).
 */

import { describe, expect, it } from 'vitest';
import { run, seedsFor } from '../jepsen/harness.ts';
import { setScenario, table } from './failureHarness.ts';
import { kvScenario, promisedProperties, promisedViolations, violationSummary } from './kvFailureHarness.ts';
import {
  churnCluster,
  churnFaults,
  joiningCluster,
  randomFaults,
  twoDataCentreCluster,
  twoDataCentreFaults,
} from './randomFaults.ts';

/**
 * Seeds that once failed, run always: 35 livelocked a joiner restarted while bootstrapping (it asked
 * to be woken for a membership deadline it does not tick), 98 kept a node restarted with its clock
 * set back down for ever (its peers ignored its smaller gossip generation), 133 let a wiped joiner
 * coordinate a forwarded write while bootstrapping again, on a ring without itself, 920 left a
 * stray key in place because a hint for it was still pending when the node looked for strays, and
 * 1363 wiped a node whose clock was set back before its origin, so it issued counter 1 again and two
 * writes shared a dot (the counters now come from a lease on disk, versioning/actor.ts), and 1783
 * restarted a node during a decommission that first heard of the leaver once it had left: its saved
 * ring kept the leaver for ever, and it deleted a key of a range it had got back (membership.ts
 * `departedUnknown`), and 69 (strict, join + leave) read stale: n6 began to serve while a partition
 * held up a delete that n2, losing the range to it, had acknowledged with n1 and was forwarding to
 * it; a read on the new preference list, with n1 cut off, missed it (rangeFences.ts). With a wipe
 * under strict quorums: 36 read stale from a wiped replica's empty copy (it now rebuilds before it
 * answers reads), and 232 from a range that n1's decommission, run while n6 was still joining,
 * gave to n4, which n6 neither pulled from nor fenced (changes now run one at a time).
 */
const pinnedSeeds = [35, 36, 69, 98, 133, 232, 920, 1363, 1783];

/**
 * Runs of one setting that once failed, each with what it now shows:
 *   - N=5, seed 2: the leaver's one announcement was lost to a partition; its peers kept it on their
 *     rings, and a range it gave back never reached its new replica (membership.ts `leave`: it now
 *     repeats it);
 *   - R=1 W=3, seed 1: n1 was asked to leave while a partition still kept n6's join off n1's ring:
 *     it handed k6's range to n2 instead of n4, and a read of one replica missed k6 (nemesis.ts: the
 *     decommission now waits until n1's ring shows n6);
 *   - R=1 W=3 with phi-accrual, seed 144: n5 lost power before n6's join finished and restarted
 *     once n3 was leaving; it heard of n3's departure before n6's join, and on that ring, which never
 *     existed, served a read of k2 from its old copy (ringCatchUp.ts: it now takes its peers' ring,
 *     in order, and serves only then);
 *   - R=1 W=3, seed 683: n2, partitioned through n6's join, heard n3's departure alone and read k6,
 *     which the real ring had given to n6, from its own empty copy (ringMembership.ts `follow`: a
 *     departure now carries the ring its node left, and n2 adds n6 from it first);
 *   - R=1 W=3, seed 1162: n1, wiped, took its ring from n5, which had left and still answered; it
 *     rebuilt on a ring with n5 and missed the ranges n5 had handed it before the wipe (ringCatchUp.ts:
 *     a node that left answers no more);
 *   - R=1 W=3 with phi-accrual, seed 14: n6, wiped after it had joined, bootstrapped again on its
 *     configured ring, which still held n1, then learnt that n1 had left and served ranges of n1's
 *     it had not pulled (nodeRebalance.ts: a restarted joiner bootstraps once its ring caught up).
 */
interface PinnedRun {
  seed: number;
  setting: string;
  cluster: Record<string, unknown>;
  wipe: boolean;
  holds: string;
  /** A line the run's fault log must show. */
  logged?: string;
}

const pinnedRuns: PinnedRun[] = [
  {
    seed: 2,
    setting: 'N=5 R=W=3',
    cluster: { n: 5, r: 3, w: 3 },
    wipe: false,
    holds: 'a decommission finished while cut off still reaches its peers',
  },
  {
    seed: 1,
    setting: 'R=1 W=3, wipe',
    cluster: { r: 1, w: 3 },
    wipe: true,
    holds: 'a decommission waits until its ring shows the join (below, re-timed)',
  },
  {
    seed: 144,
    setting: 'R=1 W=3, phi-accrual, wipe',
    cluster: { r: 1, w: 3, detector: 'phi' },
    wipe: true,
    holds: "a restarted node takes its peers' ring before it serves",
  },
  {
    seed: 683,
    setting: 'R=1 W=3, wipe',
    cluster: { r: 1, w: 3 },
    wipe: true,
    holds: "a node that missed a join takes it from the leaver's announcement first",
  },
  {
    seed: 1162,
    setting: 'R=1 W=3, wipe',
    cluster: { r: 1, w: 3 },
    wipe: true,
    holds: 'a wiped node takes no ring from a node that has left',
  },
  {
    seed: 14,
    setting: 'R=1 W=3, phi-accrual, wipe',
    cluster: { r: 1, w: 3, detector: 'phi' },
    wipe: true,
    holds: 'a wiped joiner bootstraps on the ring its peers give it',
  },
];

/**
 * Schedules slowed down twelvefold (faults 5–22 s apart, a wipe when the seed is a multiple of 3),
 * so partitions and outages outlast T_cleanup (30 s), with what each once showed:
 *   - sloppy, local detector, seeds 29 and 33: each side of a partition removed the other and never
 *     heard of it again once it healed (P3: hints never handed off, replicas diverged); gossip now
 *     probes the members it removed while down (tombstones.ts);
 *   - strict, R=1 W=3, seeds 152 and 213: n6's decommission, held up by a partition, pushed ranges
 *     to nodes whose ring still gave them to n6; they handed them back as strays or deleted them in
 *     the join's clean-up, and after n6 left a read of one replica found nothing (leavers.ts).
 */
const slowRuns = [
  {
    seed: 29,
    setting: 'sloppy, local detector',
    cluster: { quorum: 'sloppy', detector: 'local' },
    holds: 'a partition longer than T_cleanup heals',
  },
  {
    seed: 33,
    setting: 'sloppy, local detector',
    cluster: { quorum: 'sloppy', detector: 'local' },
    holds: 'a partition longer than T_cleanup heals',
  },
  {
    seed: 152,
    setting: 'strict, R=1 W=3',
    cluster: { quorum: 'strict', r: 1, w: 3 },
    holds: 'a held-up decommission hands its ranges over for good',
  },
  {
    seed: 213,
    setting: 'strict, R=1 W=3',
    cluster: { quorum: 'strict', r: 1, w: 3 },
    holds: 'a held-up decommission hands its ranges over for good',
  },
];

const variants = [
  { label: 'kv, strict', kind: 'kv', quorum: 'strict', wipe: false, members: false },
  { label: 'kv, strict, join + leave', kind: 'kv', quorum: 'strict', wipe: false, members: true },
  { label: 'kv, strict, wipe, join + leave', kind: 'kv', quorum: 'strict', wipe: true, members: true },
  { label: 'kv, sloppy, wipe, join + leave', kind: 'kv', quorum: 'sloppy', wipe: true, members: true },
  { label: 'set, sloppy, wipe, join + leave', kind: 'set', quorum: 'sloppy', wipe: true, members: true },
] as const;

describe('T3/T4 random compound faults, with and without a join and a decommission', () => {
  const rows: string[][] = [];
  const failures: string[] = [];
  for (const variant of variants) {
    for (const seed of new Set([...seedsFor([1, 2, 3, 4, 5]), ...pinnedSeeds])) {
      it(`${variant.label}, seed ${seed}: every promised property holds`, () => {
        const endMs = variant.kind === 'kv' ? 12_000 : 14_000;
        const faults = randomFaults(seed, { endMs, wipe: variant.wipe, members: variant.members });
        const shape = `${variant.wipe ? '-wipe' : ''}${variant.members ? '-members' : ''}`;
        const name = `t3-random-${variant.kind}-${variant.quorum}${shape}-seed${seed}`;
        const overrides = variant.members
          ? { cluster: { quorum: variant.quorum, ...joiningCluster }, workload: { settleMs: 45_000 } }
          : { cluster: { quorum: variant.quorum } };
        const file =
          variant.kind === 'kv' ? kvScenario(name, faults, overrides) : setScenario(name, faults, overrides);
        const { report, replay } = run(file, seed);
        const violations = promisedViolations(report);
        const ops = report.metrics.operations;
        rows.push([
          variant.label,
          String(seed),
          report.faults.map((f) => f.type).join(' '),
          `${ops.ok}/${ops.fail}/${ops.info}`,
          promisedProperties(report),
          violationSummary(report),
        ]);
        if (violations.length > 0) failures.push(`${variant.label}: ${replay}`);
        expect(violations, replay).toEqual([]);
        expect(report.valid, replay).toBe(true);
      });
    }
  }
  it('set, sloppy: the schedule that lost acknowledged adds after a wipe (seed 440) loses none', () => {
    // Cut down from a sweep's failing run: n4 is wiped while n5, the other holder of some adds, is
    // paused; clients then read only n4's new writes, whose counters seemed to cover the old adds
    // (wipedCoordinator.test.ts, case 2). Fails without the new actor name of versioning/actor.ts.
    const faults = [
      {
        atMs: 3256,
        type: 'partition',
        groups: [
          ['n2', 'n6'],
          ['n5', 'n4', 'n3', 'n1'],
        ],
      },
      { atMs: 5373, type: 'skew', node: 'n3', ms: 2118 },
      { atMs: 5991, type: 'pause', node: 'n5' },
      { atMs: 7348, type: 'wipe', node: 'n4' },
      { atMs: 7865, type: 'heal' },
      { atMs: 14_000, type: 'resume', node: 'n5' },
    ];
    const overrides = {
      cluster: { quorum: 'sloppy', ...joiningCluster },
      workload: { settleMs: 45_000 },
    } as const;
    const { report, replay } = run(setScenario('t3-wipe-covered-seed440', faults, overrides), 440);
    expect(promisedViolations(report), replay).toEqual([]);
  });
  it('kv, sloppy: a write coordinated by a node whose ring is catching up keeps its earlier siblings (seed 163)', () => {
    // Found by a sweep of corrupt faults, and the same with a wipe: n2, restarted after a power loss
    // and still catching up its ring, coordinated a put of k7 without storing it and sent the new
    // version alone to n1 (just wiped) and n3 (which had missed n2's deletes of k7). A read from
    // those two then returned a context covering n2's earlier dots unseen, and the next write
    // dropped them: n2's deletes of k7, and with them what had superseded n1's acknowledged put (P1).
    // Coordinator.startWrite now ships the new version with the siblings it does not cover, whether
    // or not it stores it.
    const faults = [
      ...randomFaults(163, { endMs: 12_000, wipe: false, members: true }),
      { atMs: 12_000, type: 'wipe', node: 'n1' },
    ];
    const file = kvScenario('t3-random-kv-sloppy-wipe-seed163', faults, {
      cluster: { quorum: 'sloppy', ...joiningCluster },
      workload: { settleMs: 45_000 },
    });
    const { report, replay } = run(file, 163);
    expect(promisedViolations(report), replay).toEqual([]);
  });
  for (const slow of slowRuns) {
    it(`kv, ${slow.setting}, slow schedule, join + leave, seed ${slow.seed}: ${slow.holds}`, () => {
      const wipe = slow.seed % 3 === 0;
      const faults = randomFaults(slow.seed, { endMs: 12_000, wipe, members: true, stretch: 12 });
      const file = kvScenario(`t3-random-kv-slow-seed${slow.seed}`, faults, {
        cluster: { ...slow.cluster, ...joiningCluster },
        workload: { durationMs: 146_000, ratePerSecond: 10, settleMs: 60_000 },
      });
      const { report, replay } = run(file, slow.seed);
      expect(promisedViolations(report), replay).toEqual([]);
    });
  }
  // Two data centres at QUORUM (3 of 4 replicas): seed 138 once read a key's version into another
  // key, from a reply meant for a restarted coordinator's previous incarnation (restartedCoordinator.test.ts).
  for (const seed of new Set([...seedsFor([1, 2, 3, 4, 5]), 138])) {
    it(`kv, two data centres, QUORUM, strict, seed ${seed}: every promised property holds`, () => {
      const faults = twoDataCentreFaults(seed, { endMs: 12_000, wipe: seed % 2 === 0 });
      const cluster = { ...twoDataCentreCluster, r: 'QUORUM', w: 'QUORUM', quorum: 'strict' };
      const file = kvScenario(`t3-random-kv-2dc-seed${seed}`, faults, {
        cluster,
        workload: { settleMs: 20_000 },
      });
      const { report, replay } = run(file, seed);
      expect(promisedViolations(report), replay).toEqual([]);
    });
  }
  // Membership churn (churnFaults): n6, n7 and n8 join and members leave one after another, a leaver
  // now and then killed during its hand-over. Seed 10's schedule skewed n7 while its join waited,
  // which stopped the run (nemesis.ts now skips such a fault and says so); in 2, 6 and 23 a node that
  // heard old departures late took members that had left since back onto its ring, from the rings
  // those departures carried, and deleted keys it replicated (ringMembership.test.ts); in 9588 n6,
  // wiped and bootstrapping again, refused the decommission queued behind n4's, and the joins of n7
  // and n8 queued behind it never started (nemesis.ts, scenarioMembership.test.ts). The quiet
  // period is long: after three joins, a write forwarded late to a joiner that has since lost the
  // range is a stray there, handed on and deleted only a grace period later (churn seed 620 needs
  // 50–90 s).
  for (const seed of new Set([...seedsFor([1, 2, 3, 4, 5]), 6, 10, 23, 9588])) {
    it(`kv, strict, membership churn, seed ${seed}: every promised property holds`, () => {
      const faults = churnFaults(seed, { endMs: 16_000, wipe: seed % 3 === 0, killLeaver: 0.3 });
      const file = kvScenario(`t3-random-kv-churn-seed${seed}`, faults, {
        cluster: { quorum: 'strict', ...churnCluster },
        workload: { durationMs: 18_000, settleMs: 90_000 },
      });
      const { report, replay } = run(file, seed);
      expect(promisedViolations(report), replay).toEqual([]);
      expect(report.aborted, replay).toBeUndefined();
    });
  }
  // Churn with joins called off (cancel-join, the lab's remove of a joining node) in half the joins:
  // every member must forget the joiner, or a source still forwarding to it never finishes leaving.
  for (const seed of seedsFor([1, 2, 3, 4, 5])) {
    it(`kv, strict, membership churn with joins called off, seed ${seed}: every promised property holds`, () => {
      const options = { endMs: 16_000, wipe: seed % 3 === 0, killLeaver: 0.3, cancelJoin: 0.5 };
      const faults = churnFaults(seed, options);
      const file = kvScenario(`t3-random-kv-churn-cancel-seed${seed}`, faults, {
        cluster: { quorum: 'strict', ...churnCluster },
        workload: { durationMs: 18_000, settleMs: 90_000 },
      });
      const { report, replay } = run(file, seed);
      expect(promisedViolations(report), replay).toEqual([]);
      expect(report.aborted, replay).toBeUndefined();
    });
  }
  // Small memtables: the default one (4 MiB) never fills in these runs, so nothing else here flushes
  // a table, compacts or recovers from tables. With 1 KiB, every node flushes every few dozen writes
  // and compacts among the kills, power losses, wipes, the join and the decommission.
  /** Compactions summed over each small-memtable setting's runs. */
  const compactions = new Map<string, number>();
  const smallStores = [
    { label: 'strict, size-tiered', quorum: 'strict', storage: { memtableBytes: 1_024 } },
    { label: 'sloppy, leveled', quorum: 'sloppy', storage: { memtableBytes: 1_024, compaction: 'leveled' } },
  ];
  for (const { label, quorum, storage } of smallStores) {
    for (const seed of seedsFor([1, 2, 3])) {
      it(`kv, ${label}, 1 KiB memtable, join + leave, seed ${seed}: every promised property holds`, () => {
        const faults = randomFaults(seed, { endMs: 12_000, wipe: seed % 3 === 0, members: true });
        const file = kvScenario(`t3-random-kv-small-memtable-${quorum}-seed${seed}`, faults, {
          cluster: { quorum, storage, ...joiningCluster },
          workload: { settleMs: 45_000 },
        });
        const { report, replay } = run(file, seed);
        expect(promisedViolations(report), replay).toEqual([]);
        // Proof that tables were written, not a count to reach: a schedule that keeps nodes down
        // longer flushes less (sweeps of seeds 5000–5599 and 8000–8399 ran as few as 10 flushes and
        // 1 compaction; seed 16239, 8 flushes over six nodes and none merged, every property held).
        // That tables were merged is checked over each setting's runs (below). A schedule that fails
        // nearly every request may fill no memtable at all (seed 22120: links losing 29% of messages
        // and a join under strict quorums, 22 writes acknowledged, no flush): asked of the others.
        const acknowledged =
          report.checkers.results.find((r) => r.property === 'P1')?.counts.acknowledged ?? 0;
        if (acknowledged >= 60) expect(report.metrics.storage?.memtableFlushes, replay).toBeGreaterThan(0);
        expect(report.metrics.storage?.errors, replay).toBe(0);
        compactions.set(label, (compactions.get(label) ?? 0) + (report.metrics.storage?.compactions ?? 0));
      });
    }
    it(`kv, ${label}, 1 KiB memtable: the runs above merged tables`, () => {
      expect(compactions.get(label)).toBeGreaterThan(0);
    });
  }
  // The autoscaler on, among faults it does not know of: growing under load (40 ops/s, add above 5
  // per node), and both ways (30 ops/s between 5.5 and 6.5 per node, so kills and pauses tip it).
  // Seed 74 chose a paused node to remove and stalled every later change; 24 wiped a leaver, which
  // forgot it was leaving; 636 decommissioned a node wiped 4 ms before, whose rebuild then began
  // over the hand-over (scenarioMembership.test.ts); 8541 wiped n4 after a leaving n5 had handed it
  // ranges, n4 rebuilt on the ring with n5, and once n5 left, n4 answered a read of k1 from an
  // empty copy (a stale read: nodeRebalance.ts rebuildAfterDepartures).
  const scaling = [
    { label: 'growing', rate: 40, autoscaler: { highLoadPerNode: 5, lowLoadPerNode: 1 }, pinned: [74] },
    {
      label: 'both ways',
      rate: 30,
      autoscaler: { highLoadPerNode: 6.5, lowLoadPerNode: 5.5 },
      pinned: [24, 636, 8541],
    },
  ];
  for (const { label, rate, autoscaler, pinned } of scaling) {
    for (const seed of new Set([...seedsFor([1, 2, 3]), ...pinned])) {
      it(`kv, strict, autoscaler ${label}, seed ${seed}: every promised property holds`, () => {
        const faults = randomFaults(seed, { endMs: 12_000, wipe: seed % 3 === 0, members: false });
        const limits = { minNodes: 4, maxNodes: 8, sustainMs: 1_500, coolDownMs: 2_000, intervalMs: 500 };
        const file = kvScenario(`t3-random-kv-autoscaler-seed${seed}`, faults, {
          cluster: { quorum: 'strict', autoscaler: { ...limits, ...autoscaler } },
          workload: { ratePerSecond: rate, durationMs: 14_000, settleMs: 90_000 },
        });
        const { report, replay } = run(file, seed);
        expect(promisedViolations(report), replay).toEqual([]);
      });
    }
  }
  for (const pinned of pinnedRuns) {
    it(`kv, strict, ${pinned.setting}, join + leave, seed ${pinned.seed}: ${pinned.holds}`, () => {
      const faults = randomFaults(pinned.seed, { endMs: 12_000, wipe: pinned.wipe, members: true });
      const file = kvScenario(`t3-random-kv-strict-pinned-seed${pinned.seed}`, faults, {
        cluster: { quorum: 'strict', ...pinned.cluster, ...joiningCluster },
        workload: { settleMs: 45_000 },
      });
      const { report, replay } = run(file, pinned.seed);
      expect(promisedViolations(report), replay).toEqual([]);
      if (pinned.logged) expect(report.faults.map((f) => f.description)).toContain(pinned.logged);
    });
  }
  it('kv, strict, R=1 W=3, join + leave: a decommission waits until its ring shows the join (seed 1, re-timed)', () => {
    // Seed 1 once asked n1 to leave while a partition kept n6's join off n1's ring: n1 handed k6's
    // range to n2 instead of n4, and a read of one replica missed k6 (nemesis.ts now holds the
    // decommission until n1's ring shows n6). Since a joiner serves only on recent confirmations
    // from every loser (rangeFences.ts), seed 1's join waits for the partition to heal and the
    // decommission waits for the join instead; so n1 is cut off here 2 ms before n6 serves. This
    // schedule shows the wait; it does not reproduce the stale read without it (checked by
    // switching the nemesis's ring check off: no violation, only the wait missing from the log).
    const faults = [
      ...randomFaults(1, { endMs: 12_000, wipe: true, members: true }).filter((f) => Number(f.atMs) <= 4_465),
      { atMs: 6_480, type: 'partition', groups: [['n1'], ['n2', 'n3', 'n4', 'n5', 'n6']] },
      { atMs: 7_000, type: 'decommission', node: 'n1' },
      { atMs: 10_000, type: 'heal' },
    ];
    const file = kvScenario('t3-random-kv-strict-r1w3-ring-shows-join', faults, {
      cluster: { quorum: 'strict', r: 1, w: 3, ...joiningCluster },
      workload: { settleMs: 45_000 },
    });
    const { report, replay } = run(file, 1);
    expect(promisedViolations(report), replay).toEqual([]);
    expect(report.faults.map((f) => f.description)).toContain(
      "decommission n1 waits: n1's ring does not show yet that n6 joined (one membership change at a time)",
    );
  });
  it('prints the runs', () => {
    const header = ['workload', 'seed', 'faults applied', 'ok/fail/info', 'promised', 'violations'];
    const failed = failures.length === 0 ? '' : `\nfailed runs:\n${failures.join('\n')}`;
    console.log(`T3/T4 random compound faults\n${table(header, rows)}${failed}`);
    expect(rows.length).toBeGreaterThan(0);
  });
});
