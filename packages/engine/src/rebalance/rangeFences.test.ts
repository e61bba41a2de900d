/**
 * Range fences (rangeFences.ts): a joiner serves only once every node that loses a range to it has
 * stopped serving that range and has had every write it forwarded there acknowledged.
 *
 * The bookkeeping on its own, then a join under load in the simulator where the link from one
 * losing node to the joiner is cut right after that node's streams are done, so the writes it
 * stores and forwards meanwhile are held up: the joiner must wait for the heal before it serves, the
 * loser must refuse the fenced ranges from the fence on (across a restart too), and no read is
 * stale. Negative control: with fences switched off, the joiner serves while the writes are still
 * held up — the window in which a read on the new preference list missed a write acknowledged by
 * the loser and one stayer (random compound faults, strict quorums, seed 69).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyRange } from '../antiEntropy/ranges.ts';
import { emptyOutput } from '../node/contract.ts';
import type { KvNode } from '../node/kvNode.ts';
import { type NodeId, nodeId, nodeIds } from '../protocol/ids.ts';
import { rangeMoves } from '../ring/rangeMoves.ts';
import { arcContains, buildRing, keyPosition } from '../ring/ring.ts';
import { checkNoStaleReads } from '../simulation/checkers/staleReads.ts';
import type { Simulation } from '../simulation/simulation.ts';
import { FenceRequests, RangeFences } from './rangeFences.ts';
import { underLoad } from './testing/underLoad.ts';

const n6 = nodeId('n6');

describe('range fences, the bookkeeping', () => {
  const range: KeyRange = { start: 1_000, end: 2_000_000_000 };
  const inside = [...Array(50).keys()]
    .map((i) => `k${i}`)
    .find((k) => arcContains(1_000, 2_000_000_000, keyPosition(k)));
  const outside = [...Array(50).keys()]
    .map((i) => `k${i}`)
    .find((k) => !arcContains(1_000, 2_000_000_000, keyPosition(k)));

  it('fences a range once, names the joiner for its keys only, and lifts per joiner', () => {
    const fences = new RangeFences([]);
    expect(fences.fencedFor(inside as string)).toBeNull();
    expect(fences.add(n6, [range])).toBe(1);
    expect(fences.add(n6, [range])).toBe(0); // asked again: nothing new to save
    expect(fences.fencedFor(inside as string)).toBe(n6);
    expect(fences.fencedFor(outside as string)).toBeNull();
    expect(fences.lift(nodeId('n7'))).toBe(false);
    expect(fences.lift(n6)).toBe(true);
    expect(fences.fencedFor(inside as string)).toBeNull();
  });

  /** Fence requests to n2 and n4, and what they send. */
  function twoLosers() {
    const requests = new FenceRequests(
      new Map([
        [nodeId('n2'), [range]],
        [nodeId('n4'), [range]],
      ]),
    );
    const sent: string[] = [];
    const send = (to: NodeId) => sent.push(`${to}`);
    return { requests, sent, send };
  }

  it('asks every loser, again after silence, and is done when each confirmed its fence', () => {
    const { requests, sent, send } = twoLosers();
    requests.ask(0, emptyOutput(), send);
    requests.ask(1_000, emptyOutput(), send); // too soon to ask again
    expect(sent).toEqual(['n2', 'n4']);
    expect(requests.nextDeadline()).toBe(2_000);
    // A first answer fences; a second from the same incarnation confirms the fence held.
    expect(requests.fenced(nodeId('n2'), 7, 100)).toBe(true);
    requests.ask(100, emptyOutput(), send); // n2 asked again at once; n4's answer is on its way
    expect(sent).toEqual(['n2', 'n4', 'n2']);
    expect(requests.fenced(nodeId('n2'), 7, 150)).toBe(true);
    expect(requests.fenced(nodeId('n2'), 7, 160)).toBe(false); // a duplicate answer
    requests.ask(2_100, emptyOutput(), send);
    expect(sent.slice(3)).toEqual(['n4']);
    expect(requests.fenced(nodeId('n4'), 3, 2_200)).toBe(true);
    requests.ask(2_200, emptyOutput(), send);
    expect(sent.slice(4)).toEqual(['n2', 'n4']); // n2's confirmation is a round old now
    // n4 restarted (a new incarnation): its first fence may have gone with its disk.
    expect(requests.fenced(nodeId('n4'), 9, 2_300)).toBe(true);
    requests.ask(2_300, emptyOutput(), send);
    expect(sent.slice(6)).toEqual(['n4']);
    requests.fenced(nodeId('n4'), 9, 2_400);
    expect(requests.done).toBe(false);
    requests.fenced(nodeId('n2'), 7, 2_410);
    expect(requests.done).toBe(true);
    expect(requests.nextDeadline()).toBeNull();
  });

  it('asks afresh for a confirmation from before the previous round', () => {
    const { requests, sent, send } = twoLosers();
    requests.ask(0, emptyOutput(), send);
    requests.fenced(nodeId('n2'), 7, 10);
    requests.ask(10, emptyOutput(), send);
    requests.fenced(nodeId('n2'), 7, 20);
    sent.length = 0;
    requests.ask(2_010, emptyOutput(), send);
    expect(sent).toEqual(['n4']); // n2 confirmed in the previous round
    requests.fenced(nodeId('n4'), 3, 2_050); // n4's first answer: a round at once
    requests.ask(2_050, emptyOutput(), send);
    expect(sent).toEqual(['n4', 'n2', 'n4']); // n2's confirmation is a round older now
    requests.fenced(nodeId('n4'), 3, 2_060);
    expect(requests.done).toBe(false); // n2 must confirm again
    requests.fenced(nodeId('n2'), 7, 2_070);
    expect(requests.done).toBe(true);
  });
});

describe('a join whose loser cannot reach the joiner after streaming', () => {
  const before = nodeIds(5);
  const joiner = n6;
  const after = [...before, joiner];
  const config = { n: 3, r: 2, w: 2, quorum: 'strict', antiEntropyIntervalMs: 0 };
  const moves = rangeMoves(
    buildRing(before.map((id) => ({ id }))),
    buildRing(after.map((id) => ({ id }))),
    3,
  ).filter((m) => m.gained.includes(joiner));
  const loser = moves[0]?.lost[0] as NodeId;
  const lostRanges = moves.filter((m) => m.lost.includes(loser));
  const streamsFromLoser = moves.filter((m) => m.before.includes(loser)).length;
  const cutMs = 4_000;

  afterEach(() => vi.restoreAllMocks());

  function joinWithHeldForwards(onFenced?: (sim: Simulation) => void) {
    const { sim, history, workload, events } = underLoad(3, before, 60, config, 16_000);
    let streamed = 0;
    let cutAt = Number.NaN;
    sim.onEvent((event) => {
      if (event.type === 'range.fenced' && event.node === loser) onFenced?.(sim);
      const fromLoser = event.type === 'stream.done' && event.node === joiner && event.direction === 'in';
      if (!fromLoser || event.peer !== loser || ++streamed !== streamsFromLoser) return;
      // The joiner has the loser's last batch. From now on the loser's forwards are held up, and
      // the joiner's requests take half a second to reach it: writes pile up on the way.
      cutAt = sim.now;
      sim.network.cut(loser, joiner);
      sim.network.configureLink(joiner, loser, { latency: { kind: 'uniform', minMs: 500, maxMs: 500 } });
      sim.schedule(sim.now + cutMs, 'heal', () => {
        sim.network.heal();
        sim.network.restoreAll();
      });
      sim.schedule(sim.now + 1_000, 'crash loser', () => sim.crash(loser));
      sim.schedule(sim.now + 1_500, 'restart loser', () => sim.restart(loser));
    });
    sim.schedule(5_000, 'join n6', () =>
      sim.addNode(joiner, { join: true, members: after.map((id) => ({ id })) }),
    );
    sim.runUntil(21_000);
    while (!workload.finished && sim.step()) {}
    const finished = events.find((e) => e.type === 'rebalance.finished' && e.node === joiner);
    return { sim, history, events, cutAt, finishedAt: finished?.at ?? Number.NaN };
  }

  it('serves only after the heal, while the loser refuses the fenced ranges, and reads stay fresh', () => {
    const { sim, history, events, cutAt, finishedAt } = joinWithHeldForwards();
    expect(cutAt).toBeGreaterThan(5_000);
    expect(finishedAt).toBeGreaterThanOrEqual(cutAt + cutMs);
    const fenced = events.find((e) => e.type === 'range.fenced' && e.node === loser);
    expect(fenced).toMatchObject({ peer: joiner, ranges: lostRanges.length });
    // The loser stored writes of the fenced ranges while cut off (the case being tested), and
    // crashed before the heal, forgetting which it forwarded: it streamed the ranges again.
    const held = events.filter(
      (e) =>
        e.type === 'version.stored' &&
        e.node === loser &&
        e.at > cutAt &&
        e.at < cutAt + 1_000 &&
        lostRanges.some((m) => arcContains(m.start, m.end, keyPosition(e.key))),
    );
    expect(held.length).toBeGreaterThan(0);
    const restarted = events.find((e) => e.type === 'node.started' && e.node === loser && e.at > cutAt);
    const again = events.filter(
      (e) =>
        e.type === 'stream.started' && e.node === loser && e.peer === joiner && e.at > (restarted?.at ?? 0),
    );
    expect(again.length).toBe(lostRanges.length);
    // The fence outlived the loser's restart (saved with its ring) until its ring showed the joiner.
    const node = sim.node(loser) as KvNode;
    const key = held[0]?.type === 'version.stored' ? held[0].key : '';
    expect(node.rebalance.onRing(joiner)).toBe(true);
    expect(node.rebalance.fencedFor(key)).toBeNull();
    expect(node.rebalance.serving.notServing(key, 'read')?.message).toMatch(
      /is not a replica of .* on its ring/,
    );
    const stale = checkNoStaleReads(history.ops, {
      n: 3,
      r: 2,
      w: 2,
      quorum: 'strict',
      conflictMode: 'siblings',
    });
    expect(stale.counts.readsAfterWrites).toBeGreaterThan(500);
    expect(stale.violationCount).toBe(0);
  });

  it('serves the fenced ranges again when the operator cancels the join', () => {
    const key = [...Array(200).keys()]
      .map((i) => `k${i}`)
      .find((k) => lostRanges.some((m) => arcContains(m.start, m.end, keyPosition(k)))) as string;
    const seen: (string | null)[] = [];
    joinWithHeldForwards((sim) =>
      sim.schedule(sim.now, 'cancel the join', () => {
        const node = sim.node(loser) as KvNode;
        seen.push(node.rebalance.fencedFor(key));
        sim.control(loser, { nodeGone: joiner });
        seen.push(node.rebalance.fencedFor(key));
      }),
    );
    expect(seen.slice(0, 2)).toEqual([joiner, null]);
  });

  it('negative control: without fences the joiner serves while the forwarded writes are held up', () => {
    vi.spyOn(FenceRequests.prototype, 'done', 'get').mockReturnValue(true);
    vi.spyOn(RangeFences.prototype, 'fencedFor').mockReturnValue(null);
    const { cutAt, finishedAt } = joinWithHeldForwards();
    expect(finishedAt).toBeLessThan(cutAt + cutMs);
  });
});
