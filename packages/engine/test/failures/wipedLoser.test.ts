/**
 * A loser wiped after it fenced its ranges for a joiner (src/rebalance/rangeFences.ts, FenceRequests).
 *
 * The fence lives on the loser's disk. Wiped, the loser forgets it, restarts on its old ring and
 * takes writes in the ranges it handed over again; if the joiner served on the loser's first answer,
 * a write the loser acknowledged with a stayer would never reach it, and a strict-quorum read on the
 * new preference list, {joiner, other stayer}, would miss it (t3RandomFaults, strict, wipe, join +
 * leave, seed 11098: there a partition held the stayer's copy back).
 *
 * Two guards keep the write: the wiped loser, catching its ring up, hears from a peer that fenced
 * ranges for the joiner and serves nothing until its ring shows the joiner (ringStateExchange.ts);
 * and the joiner serves only on fences confirmed recently by the same incarnation of each loser,
 * so it asks the wiped loser again, which fences again and streams the ranges again (FenceRequests).
 *
 * Here every other loser's answer is held up, the loser L is wiped the moment its answer and the
 * stayer S's have reached the joiner J, and cut off with S; a put of a key J takes from L goes
 * through L. Then the cut heals and S is paused, so that S's copy cannot reach J, and a read goes
 * through the other stayer X, answered by X and J. Each guard is tested with the other switched off;
 * negative control: with both off, L acknowledges the put, J serves without it, and the read misses it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createKvNode } from '../../src/node/kvNode.ts';
import { type NodeId, nodeId, nodeIds } from '../../src/protocol/ids.ts';
import { FenceRequests } from '../../src/rebalance/rangeFences.ts';
import { RingStateExchange } from '../../src/rebalance/ringStateExchange.ts';
import type { GetOk } from '../../src/replication/requests.ts';
import { replicasFor } from '../../src/ring/placement.ts';
import { buildRing } from '../../src/ring/ring.ts';
import { Simulation } from '../../src/simulation/simulation.ts';
import { blockingClient } from './blockingClient.ts';

const before = nodeIds(5);
const joiner = nodeId('n6');
const after = [...before, joiner];
const config = { n: 3, r: 2, w: 2, quorum: 'strict', antiEntropyIntervalMs: 0 };
const text = (s: string) => new TextEncoder().encode(s);

/** A key J takes from L, with S and X staying replicas: old list {X, S, L}, new {X, S, J}. */
function contestedKey() {
  const [old, now] = [before, after].map((ids) => buildRing(ids.map((id) => ({ id }))));
  for (let i = 0; ; i++) {
    const key = `k${i}`;
    const was = replicasFor(old as never, key, 3).nodes;
    const is = replicasFor(now as never, key, 3).nodes;
    const lost = was.filter((id) => !is.includes(id));
    if (!is.includes(joiner) || lost.length !== 1) continue;
    const [loser, [stayer, other]] = [lost[0] as NodeId, was.filter((id) => id !== lost[0])];
    return { key, loser, stayer: stayer as NodeId, other: other as NodeId };
  }
}

function joinWithWipedLoser() {
  const { key, loser, stayer, other } = contestedKey();
  const sim = new Simulation({
    seed: 7,
    nodes: before,
    createNode: createKvNode,
    config: { ...config, members: before.map((id) => ({ id })) },
  });
  const call = blockingClient(sim, 'wiped-loser');
  sim.runFor(2_000);
  const answered = new Set<NodeId>();
  let waitedForJoiner = false;
  let [askedAt, wipedAt, finishedAt, refencedAt] = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];
  sim.onEvent((event) => {
    if (event.type === 'message.sent' && event.msg === 'range-fence' && Number.isNaN(askedAt)) {
      askedAt = event.at;
      // J asks its losers to fence: the answers of all but L and S are held up (until the heal).
      for (const id of before) if (id !== loser && id !== stayer) sim.network.cut(id, joiner);
    }
    if (event.type === 'message.delivered' && event.msg === 'range-fenced' && event.node === joiner)
      answered.add(event.from);
    if (answered.has(loser) && answered.has(stayer) && Number.isNaN(wipedAt)) {
      wipedAt = sim.now; // J has L's and S's first answers: L loses its disk, and is cut off with S
      sim.wipe(loser);
      sim.network.partition(after, [[loser, stayer]]);
    }
    if (
      event.type === 'range.fenced' &&
      event.node === loser &&
      Number.isNaN(refencedAt) &&
      event.at > wipedAt
    )
      refencedAt = event.at;
    if (event.type === 'rebalance.finished' && event.node === joiner) finishedAt = event.at;
    if (event.type === 'ring.waitsForJoiner' && event.node === loser) waitedForJoiner = true;
  });
  sim.addNode(joiner, { join: true, members: after.map((id) => ({ id })) });
  for (let i = 0; Number.isNaN(wipedAt) && i < 100_000; i++) sim.step();
  sim.runFor(3_500); // L catches its ring up from S (alone with S: after ringCatchUpWaitMs)
  const put = call(loser, { type: 'put', key, value: text('after the wipe'), w: 2 });
  sim.network.heal();
  sim.pause(stayer); // S's copy stays with S
  const until = (done: () => boolean, ms: number) => {
    const end = sim.now + ms;
    while (!done() && sim.now < end && sim.step()) {}
  };
  const served = () => !Number.isNaN(finishedAt);
  until(served, 3_000);
  const servedWhileStayerPaused = served();
  if (!servedWhileStayerPaused) {
    sim.resume(stayer); // J needs S's confirmation too
    until(served, 10_000);
    sim.pause(stayer);
  }
  sim.runFor(2_000); // X hears of J
  const read = call(other, { type: 'get', key, r: 2 }) as GetOk;
  const values = (read.siblings ?? []).map((s) => new TextDecoder().decode(s.value ?? new Uint8Array()));
  return { put, waitedForJoiner, values, wipedAt, finishedAt, refencedAt, servedWhileStayerPaused };
}

/** Guard 1 off: a restarted node takes no notice of the joiners its peers fenced ranges for. */
function ignoreFencedJoiners() {
  const onState = RingStateExchange.prototype.onState;
  vi.spyOn(RingStateExchange.prototype, 'onState').mockImplementation(function (
    this: RingStateExchange,
    from,
    state,
    now,
    out,
  ) {
    onState.call(this, from, { ...state, joining: [] }, now, out);
  });
}

/** Guard 2 off: one answer fences for good, as before: it confirms at once and never grows old. */
function fenceOnFirstAnswer() {
  const fenced = FenceRequests.prototype.fenced;
  vi.spyOn(FenceRequests.prototype, 'fenced').mockImplementation(function (this: FenceRequests, from) {
    const awaited = fenced.call(this, from, 0, Number.POSITIVE_INFINITY);
    fenced.call(this, from, 0, Number.POSITIVE_INFINITY);
    return awaited;
  });
}

describe('a join whose loser is wiped after it fenced', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the wiped loser serves nothing while its peers fence ranges for a joiner its ring does not show', () => {
    fenceOnFirstAnswer(); // guard 1 alone
    const { put, waitedForJoiner, values } = joinWithWipedLoser();
    expect(waitedForJoiner).toBe(true);
    expect(put.ok).toBe(false); // refused: L's ring has not caught up (S fenced ranges for J)
    expect(JSON.stringify(put)).toMatch(/serves once its ring shows n6, to which a peer is handing ranges/);
    expect(values).toEqual([]);
  });

  it('the joiner serves only once the wiped loser fenced again, and the read finds its write', () => {
    ignoreFencedJoiners(); // guard 2 alone
    const { put, values, wipedAt, finishedAt, refencedAt, servedWhileStayerPaused } = joinWithWipedLoser();
    expect(put.ok).toBe(true);
    expect(refencedAt).toBeGreaterThan(wipedAt);
    expect(finishedAt).toBeGreaterThan(refencedAt);
    expect(servedWhileStayerPaused).toBe(false); // S's confirmation is needed too
    expect(values).toEqual(['after the wipe']);
  });

  it('negative control: with both guards off, the joiner serves without the write and the read misses it', () => {
    ignoreFencedJoiners();
    fenceOnFirstAnswer();
    const { put, values, finishedAt, refencedAt, servedWhileStayerPaused } = joinWithWipedLoser();
    expect(put.ok).toBe(true);
    expect(servedWhileStayerPaused).toBe(true);
    expect(Number.isNaN(refencedAt) || refencedAt > finishedAt).toBe(true);
    expect(values).not.toContain('after the wipe');
  });
});
