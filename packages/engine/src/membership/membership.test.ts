/**
 * The membership state machine on its own, digests delivered by hand: merge by the larger
 * (generation, heartbeat), suspicion after T_fail, down only with a second reporter at the same
 * heartbeat (and never with one), cleanup, recovery, join through seeds, leave; the local and phi
 * detectors' own rules; the gossip message's validator.
 */
import { describe, expect, it } from 'vitest';
import { membersMax } from '../constants.ts';
import { isKvError } from '../errors.ts';
import { emptyOutput, type NodeOutput } from '../node/contract.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { type Message, validateEnvelope } from '../protocol/messages.ts';
import { Rng } from '../random/rng.ts';
import type { FailureDetectorKind } from '../scenario/types.ts';
import { Membership } from './membership.ts';
import type { GossipEntry, GossipMessage } from './messages.ts';
import { deviationForPhi, phiOfDeviation } from './phiAccrual.ts';
import { type MembershipSettings, membershipTimersOf } from './settings.ts';

const [A, B, C, M, N] = ['a', 'b', 'c', 'm', 'n'].map(nodeId) as [NodeId, NodeId, NodeId, NodeId, NodeId];
const T_FAIL = 5_000;
const T_CLEANUP = 30_000;

interface Sent {
  to: NodeId;
  body: GossipMessage;
}

/** One membership with a host that records what it sends and an event log. */
function member(
  self: NodeId,
  known: NodeId[],
  options: Partial<MembershipSettings> & { detector?: FailureDetectorKind } = {},
) {
  const sent: Sent[] = [];
  const events: ClusterEvent[] = [];
  const host = {
    self,
    send: (to: NodeId, body: Message, _out: NodeOutput) => sent.push({ to, body: body as GossipMessage }),
  };
  const settings: MembershipSettings = {
    detector: 'gossip',
    gossipIntervalMs: 1_000,
    fanout: 2,
    failTimeoutMs: T_FAIL,
    cleanupTimeoutMs: T_CLEANUP,
    phiThreshold: 8,
    phiDistribution: 'normal',
    seeds: [],
    ...options,
  };
  const m = new Membership(host, known, settings, new Rng(7, self));
  const run = (f: (out: NodeOutput) => void) => {
    const out = emptyOutput();
    f(out);
    events.push(...out.events);
  };
  return {
    m,
    sent,
    events,
    start: (now: number) => run((out) => m.start(now, out)),
    tick: (now: number) => run((out) => m.tick(now, out)),
    receive: (from: NodeId, members: GossipEntry[], now: number, reply = false) =>
      run((out) => m.onGossip(from, { type: 'gossip', members, reply }, now, out)),
    about: (who: NodeId) => events.filter((e) => 'member' in e && e.member === who).map((e) => e.type),
  };
}

const entry = (id: NodeId, heartbeat: number, suspects: NodeId[] = [], generation = 0): GossipEntry => ({
  id,
  generation,
  heartbeat,
  status: 'alive',
  suspects,
});

describe('Membership (gossip detector)', () => {
  it('merges by the larger counter, and a newer generation beats any counter of an older one', () => {
    const a = member(A, [A, M]);
    a.start(0);
    a.receive(B, [entry(M, 5)], 10);
    a.receive(B, [entry(M, 3)], 20);
    expect(a.m.snapshot(20).find((r) => r.id === M)).toMatchObject({ heartbeat: 5, lastGrewAt: 10 });
    a.receive(B, [entry(M, 1, [], 900)], 30);
    expect(a.m.snapshot(30).find((r) => r.id === M)).toMatchObject({ generation: 900, heartbeat: 1 });
  });

  it('suspects a member whose counter has not grown for T_fail, without calling it down', () => {
    const a = member(A, [A, M]);
    a.start(0);
    a.receive(B, [entry(M, 4)], 1_000);
    a.tick(1_000 + T_FAIL - 1);
    expect(a.about(M)).toEqual([]);
    a.tick(1_000 + T_FAIL);
    expect(a.about(M)).toEqual(['member.suspected']);
    expect(a.m.statusOf(M)).toBe('suspected');
    expect(a.m.isAlive(M)).toBe(true);
    expect(a.m.nextDeadline(1_000 + T_FAIL)).not.toBe(1_000 + T_FAIL);
  });

  it('retimed for a slow network (the lab), waits the new T_fail before suspecting and gossips at the new interval', () => {
    const a = member(A, [A, M]);
    a.start(0);
    a.receive(B, [entry(M, 4)], 1_000);
    a.m.retime(
      membershipTimersOf({
        gossipIntervalMs: 3_000,
        failTimeoutMs: 3 * T_FAIL,
        fanout: 9,
        cleanupTimeoutMs: -1,
      }),
      1_000,
    );
    a.tick(1_000 + T_FAIL);
    expect(a.about(M)).toEqual([]);
    a.tick(1_000 + 3 * T_FAIL);
    expect(a.about(M)).toEqual(['member.suspected']);
    // Rounds now come every 3 s: a round sends a digest and schedules the next one 3 s later.
    const sent = a.sent.length;
    const round = a.m.nextDeadline(1_000 + 3 * T_FAIL) as number;
    a.tick(round);
    expect(a.sent.length).toBeGreaterThan(sent);
    expect(a.m.nextDeadline(round)).toBe(round + 3_000);
  });

  it('rescales silences when the pace changes, so a faster pace does not suspect at once what was only quiet', () => {
    // Classroom speed in the lab: a round every 2.6 s, T_fail 13 s; then fast: 1,080 ms and 5.4 s.
    const a = member(A, [A, M], { gossipIntervalMs: 2_600, failTimeoutMs: 13_000 });
    a.start(0);
    a.receive(B, [entry(M, 4)], 1_000);
    const faster = membershipTimersOf({ gossipIntervalMs: 1_080, failTimeoutMs: 5_400 });
    a.m.retime(faster, 7_000); // 6 s of silence: 46% of the old T_fail, longer than the new one
    a.tick(7_000);
    expect(a.about(M)).toEqual([]);
    // Still 46% of the way: suspected after the other 54% of the new T_fail.
    const due = 7_000 + 5_400 * (1 - 6_000 / 13_000);
    a.tick(due - 1);
    expect(a.about(M)).toEqual([]);
    a.tick(due + 1);
    expect(a.about(M)).toEqual(['member.suspected']);
  });

  it('convicts a configured member that crashed before its first heartbeat, once a second node suspects it too', () => {
    const a = member(A, [A, B, M]);
    const b = member(B, [A, B, M]);
    a.start(0);
    b.start(0);
    a.receive(B, [entry(B, 1)], 100);
    b.receive(A, [entry(A, 1)], 100);
    a.tick(T_FAIL);
    b.tick(T_FAIL);
    expect(a.m.statusOf(M)).toBe('suspected');
    // B's digest carries M at heartbeat 0 with B's suspicion; A convicts, and never admits M from it.
    a.tick(T_FAIL + 1_000);
    b.tick(T_FAIL + 1_000);
    const fromB = b.sent.at(-1)?.body.members ?? [];
    expect(fromB.find((e) => e.id === M)).toMatchObject({ heartbeat: 0, suspects: [B] });
    a.receive(B, fromB, T_FAIL + 1_001);
    expect(a.m.statusOf(M)).toBe('down');
    const c = member(C, [C]);
    c.start(0);
    c.receive(B, fromB, 10);
    expect(c.m.snapshot(10).map((r) => r.id)).not.toContain(M);
  });

  it('declares down only when a second member reports a suspicion at the same heartbeat', () => {
    const a = member(A, [A, B, M]);
    a.start(0);
    a.receive(B, [entry(B, 1), entry(M, 4)], 0);
    a.tick(T_FAIL);
    const later = T_FAIL + 1_000;
    // One reporter is never enough: B still hears M, M cannot report itself, and B's suspicion of
    // an older heartbeat is stale.
    a.receive(B, [entry(B, 2), entry(M, 4)], later);
    a.receive(B, [entry(B, 3), entry(M, 4, [M])], later + 1);
    a.receive(B, [entry(B, 4), entry(M, 3, [B])], later + 2);
    a.tick(later + 10 * T_FAIL);
    expect(a.m.statusOf(M)).toBe('suspected');
    expect(a.about(M)).toEqual(['member.suspected']);
    a.receive(B, [entry(B, 5), entry(M, 4, [B])], later + 10 * T_FAIL + 1);
    expect(a.m.statusOf(M)).toBe('down');
    expect(a.m.isAlive(M)).toBe(false);
    const down = a.events.find((e) => e.type === 'member.down');
    expect(down).toMatchObject({ member: M, reportedBy: [A, B], detector: 'gossip' });
  });

  it('carries suspicions in its digests, so a third node hears of both reporters', () => {
    const a = member(A, [A, B, M]);
    a.start(0);
    a.receive(B, [entry(B, 1), entry(M, 4, [B])], 0);
    a.tick(T_FAIL);
    a.tick(T_FAIL + 1_000); // a gossip round
    const digest = a.sent.at(-1)?.body.members.find((e) => e.id === M);
    expect(digest).toMatchObject({ heartbeat: 4, status: 'down', suspects: [A, B] });
  });

  it('forgets a down member after T_cleanup and ignores stale gossip about it, but not a restart', () => {
    const a = member(A, [A, B, M]);
    a.start(0);
    a.receive(B, [entry(B, 1), entry(M, 4, [B])], 0);
    a.tick(T_FAIL);
    expect(a.m.statusOf(M)).toBe('down');
    a.tick(T_FAIL + T_CLEANUP - 1);
    expect(a.m.statusOf(M)).toBe('down');
    a.tick(T_FAIL + T_CLEANUP);
    expect(a.m.statusOf(M)).toBe('unknown');
    expect(a.about(M)).toEqual(['member.suspected', 'member.down', 'member.removed']);
    a.receive(C, [entry(M, 4, [C])], T_FAIL + T_CLEANUP + 1);
    expect(a.m.statusOf(M)).toBe('unknown');
    a.receive(M, [entry(M, 1, [], 40_000)], 40_000);
    expect(a.m.statusOf(M)).toBe('alive');
    expect(a.about(M).at(-1)).toBe('member.joined');
  });

  it('recovers a suspected or down member as soon as its counter grows', () => {
    const a = member(A, [A, B, M]);
    a.start(0);
    a.receive(B, [entry(B, 1), entry(M, 4, [B])], 0);
    a.tick(T_FAIL);
    a.receive(B, [entry(B, 2), entry(M, 5)], T_FAIL + 10);
    expect(a.m.statusOf(M)).toBe('alive');
    expect(a.events.at(-1)).toMatchObject({ type: 'member.alive', member: M, was: 'down' });
  });

  it('bumps its heartbeat each round and sends its digest to `fanout` distinct members', () => {
    const a = member(A, [A, B, C, M, N]);
    a.start(0);
    for (const id of [B, C, M, N]) a.receive(id, [entry(id, 1)], 0);
    a.tick(1_000);
    a.tick(2_000);
    const rounds = [a.sent.slice(0, 2), a.sent.slice(2, 4)];
    for (const round of rounds) expect(new Set(round.map((s) => s.to)).size).toBe(2);
    expect(rounds.map((r) => r[0]?.body.members.find((e) => e.id === A)?.heartbeat)).toEqual([1, 2]);
    expect(a.sent).toHaveLength(4);
  });
});

describe('Membership join and leave', () => {
  it('joins through a seed: the seed admits the newcomer and answers with the cluster', () => {
    const seed = member(A, [A, B]);
    seed.start(0);
    seed.receive(B, [entry(B, 3)], 0);
    const newcomer = member(N, [N], { seeds: [A] });
    newcomer.start(100);
    expect(newcomer.sent.map((s) => s.to)).toEqual([A]);
    const hello = newcomer.sent[0] as Sent;
    seed.receive(N, hello.body.members, 101, hello.body.reply);
    expect(seed.events.at(-1)).toMatchObject({ type: 'member.joined', member: N, via: N });
    const answer = seed.sent.at(-1) as Sent;
    expect(answer).toMatchObject({ to: N, body: { reply: true } });
    newcomer.receive(A, answer.body.members, 102, answer.body.reply);
    expect(newcomer.m.liveMembers()).toEqual([A, B, N]);
    expect(newcomer.sent).toHaveLength(1); // a reply is not answered
  });

  it('announces a leave to every member at once and every round after (its own entry only), and is forgotten after T_cleanup', () => {
    const leaver = member(M, [A, B, M]);
    leaver.start(0);
    const out = emptyOutput();
    leaver.m.leave(500, out);
    expect(leaver.sent.map((s) => s.to).sort()).toEqual([A, B]);
    leaver.tick(5_000); // a peer cut off when it left hears it now
    expect(
      leaver.sent
        .slice(2)
        .map((s) => s.to)
        .sort(),
    ).toEqual([A, B]);
    const again = (leaver.sent[2] as Sent).body.members;
    expect(again.map((e) => [e.id, e.status])).toEqual([[M, 'left']]);
    expect(again[0]?.heartbeat).toBe((leaver.sent[0] as Sent).body.members[0]?.heartbeat);
    expect(leaver.m.isAlive(M)).toBe(false);
    const a = member(A, [A, B, M]);
    a.start(0);
    a.receive(M, (leaver.sent[0] as Sent).body.members, 501);
    expect(a.m.statusOf(M)).toBe('left');
    expect(a.m.isAlive(M)).toBe(false);
    a.tick(501 + T_CLEANUP);
    expect(a.about(M)).toEqual(['member.left', 'member.removed']);
    expect(a.events.at(-1)).toMatchObject({ was: 'left' });
  });

  it('reports the departure of a member it never tracked once (its ring may hold it), and a later rejoin', () => {
    // A restarted node whose saved ring holds M first hears of M when M has left (T3 seed 1783).
    const a = member(A, [A, B]);
    a.start(0);
    const left = { ...entry(M, 13, [], 2_081), status: 'left' } as const;
    a.receive(B, [left], 100);
    a.receive(B, [left], 200); // the same news again, as gossip repeats it
    expect(a.about(M)).toEqual(['member.left']);
    expect(a.m.statusOf(M)).toBe('unknown');
    a.receive(M, [entry(M, 1, [], 9_000)], 300); // a new incarnation of M joins again
    expect(a.about(M)).toEqual(['member.left', 'member.joined']);
  });
});

describe('local and phi detectors', () => {
  it('local: convicts alone on direct silence even while gossip shows the counter growing', () => {
    const a = member(A, [A, B, M], { detector: 'local' });
    a.start(0);
    for (let t = 1_000; t <= T_FAIL; t += 1_000) a.receive(B, [entry(B, t), entry(M, t)], t);
    expect(a.m.statusOf(M)).toBe('down');
    expect(a.events.find((e) => e.type === 'member.down')).toMatchObject({
      reportedBy: [A],
      detector: 'local',
    });
    a.m.heardFrom(M, T_FAIL + 1);
    a.tick(T_FAIL + 1);
    expect(a.m.statusOf(M)).toBe('alive');
  });

  it('local: an unanswered request convicts at once; heartbeats go to every member', () => {
    const a = member(A, [A, B, C, M, N], { detector: 'local' });
    a.start(0);
    const out = emptyOutput();
    a.m.unanswered(M, 10, out);
    expect(out.events.map((e) => e.type)).toEqual(['member.suspected', 'member.down']);
    a.tick(1_000);
    expect(a.sent.map((s) => s.to).sort()).toEqual([B, C, M, N]);
  });

  it('phi: stays alive while heartbeats keep their rhythm and convicts when phi reaches 8', () => {
    const a = member(A, [A, M], { detector: 'phi' });
    a.start(0);
    for (let t = 1_000; t <= 20_000; t += 1_000) a.receive(B, [entry(M, t / 1_000)], t);
    const convictAt = a.m.detector.nextChangeAt(M, 20_000);
    expect(a.m.statusOf(M)).toBe('alive');
    expect(convictAt).not.toBeNull();
    a.tick((convictAt as number) - 1);
    expect(a.m.statusOf(M)).toBe('alive');
    a.tick(convictAt as number);
    expect(a.m.statusOf(M)).toBe('down');
    const row = a.m.snapshot(convictAt as number).find((r) => r.id === M);
    expect(row?.phi).toBeCloseTo(8, 6);
    // Regular 1 s heartbeats, σ at its 250 ms floor: convicted about mean + 5.6σ after the last one.
    expect((convictAt as number) - 20_000).toBeCloseTo(1_000 + deviationForPhi(8) * 250, -1);
    expect(phiOfDeviation(deviationForPhi(8))).toBeCloseTo(8, 6);
  });

  it('phi: a slower pace rescales the intervals it learned, so beats at the new pace convict no one', () => {
    for (const phiDistribution of ['normal', 'exponential'] as const) {
      // Fast in the lab (a round every 1,080 ms), then classroom speed (2.6 s).
      const a = member(A, [A, M], { detector: 'phi', phiDistribution, gossipIntervalMs: 1_080 });
      a.start(0);
      let beat = 0;
      for (let t = 1_080; t <= 21_600; t += 1_080) a.receive(B, [entry(M, ++beat)], t);
      a.m.retime(membershipTimersOf({ gossipIntervalMs: 2_600 }), 22_000);
      for (let t = 22_000 + 2_600; t <= 60_000; t += 2_600) {
        a.tick(t - 1);
        expect(a.m.statusOf(M)).toBe('alive');
        a.receive(B, [entry(M, ++beat)], t);
      }
      expect(a.about(M)).toEqual([]);
    }
  });

  it("phi with Cassandra's exponential model convicts after threshold · ln 10 mean intervals", () => {
    const a = member(A, [A, M], { detector: 'phi', phiDistribution: 'exponential' });
    a.start(0);
    for (let t = 1_000; t <= 20_000; t += 1_000) a.receive(B, [entry(M, t / 1_000)], t);
    const convictAt = a.m.detector.nextChangeAt(M, 20_000) as number;
    expect(convictAt - 20_000).toBeCloseTo(8 * Math.LN10 * 1_000, 6);
    a.tick(convictAt);
    expect(a.m.statusOf(M)).toBe('down');
    expect(a.m.snapshot(convictAt).find((r) => r.id === M)?.phi).toBeCloseTo(8, 6);
  });
});

describe('the gossip message', () => {
  const envelope = (body: unknown) => ({ from: 'a', to: 'b', id: 1, body });

  it('passes the validator when well formed and is refused when malformed or unbounded', () => {
    const ok = { type: 'gossip', members: [entry(A, 1, [B])], reply: false };
    expect(isKvError(validateEnvelope(envelope(ok)))).toBe(false);
    const bad = [
      { ...ok, members: [{ ...entry(A, 1), heartbeat: -1 }] },
      { ...ok, members: [{ ...entry(A, 1), status: 'zombie' }] },
      { ...ok, members: [entry(A, 1, [A, B, C, M, N])] },
      { ...ok, members: Array.from({ length: membersMax + 1 }, (_, i) => entry(nodeId(`n${i}`), 1)) },
      { type: 'gossip', members: [] },
    ];
    for (const body of bad)
      expect(validateEnvelope(envelope(body))).toMatchObject({ code: 'KV_INVALID_MESSAGE' });
  });
});
