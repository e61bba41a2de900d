/**
 * A restarted node's wait for a peer's ring (ringCatchUp.ts): one current answer ends it (not a
 * thorough wait's, below); answers of peers catching up themselves end it once all have come, or
 * with itself a majority of the ring and no current one for `ringCatchUpWaitMs`; the request is due
 * at once and then every `ringCatchUpRetryMs`.
 */
import { describe, expect, it } from 'vitest';
import { ringCatchUpRetryMs } from '../constants.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { RingCatchUp, ringCatchUpWaitMs } from './ringCatchUp.ts';

const peers = nodeIds(5).slice(1);
const [n2, n3, n4] = peers as [NodeId, NodeId, NodeId];

describe('RingCatchUp', () => {
  it('is caught up until a restart begins it, asks at once and then once per retry period', () => {
    const wait = new RingCatchUp();
    expect(wait.caughtUp).toBe(true);
    expect(wait.due(0)).toBe(false);
    wait.begin(100);
    expect(wait.caughtUp).toBe(false);
    expect(wait.due(100)).toBe(true);
    expect(wait.due(100 + ringCatchUpRetryMs - 1)).toBe(false);
    expect(wait.nextDeadline()).toBe(100 + ringCatchUpRetryMs);
    expect(wait.due(100 + ringCatchUpRetryMs)).toBe(true);
  });

  it('ends with one current answer', () => {
    const wait = new RingCatchUp();
    wait.begin(0);
    expect(wait.heard(n2, true, peers, 5)).toBe(true);
  });

  it('ends with answers only from peers catching up once all of them have answered', () => {
    const wait = new RingCatchUp();
    wait.begin(0);
    for (const peer of peers.slice(0, -1)) expect(wait.heard(peer, false, peers, 5)).toBe(false);
    expect(wait.heard(n2, false, peers, 5)).toBe(false); // the same peer twice counts once
    expect(wait.heard(peers.at(-1) as NodeId, false, peers, 5)).toBe(true);
  });

  it('ends with a majority of the ring, itself included, once no current answer came for the wait', () => {
    const wait = new RingCatchUp();
    wait.begin(0);
    expect(wait.heard(n2, false, peers, 10)).toBe(false);
    expect(wait.heard(null, false, peers, ringCatchUpWaitMs * 10)).toBe(false); // two of five
    expect(wait.heard(n3, false, peers, 20)).toBe(false);
    expect(wait.heard(null, false, peers, ringCatchUpWaitMs - 1)).toBe(false);
    expect(wait.heard(null, false, peers, ringCatchUpWaitMs)).toBe(true); // three of five, waited
    const four = new RingCatchUp(); // a ring of four: two of four is no majority
    four.begin(0);
    four.heard(n2, false, [n2, n3, n4], 0);
    expect(four.heard(null, false, [n2, n3, n4], ringCatchUpWaitMs)).toBe(false);
  });

  it('thorough (a node that lost its disk): waits for every answer, or one current one and the wait', () => {
    const wait = new RingCatchUp();
    wait.begin(0, true);
    expect(wait.heard(n2, true, peers, 5)).toBe(false); // one current answer is not enough
    expect(wait.heard(null, false, peers, ringCatchUpWaitMs - 1)).toBe(false);
    expect(wait.heard(null, false, peers, ringCatchUpWaitMs)).toBe(true);
    const all = new RingCatchUp();
    all.begin(0, true);
    for (const peer of peers.slice(0, -1)) expect(all.heard(peer, true, peers, 5)).toBe(false);
    expect(all.heard(peers.at(-1) as NodeId, false, peers, 6)).toBe(true);
  });
});
