/**
 * A join cancelled while it pulls (the lab's "remove" of a node still joining): every node is told
 * the joiner is gone (`nodeGone`), and must stop streaming and forwarding writes to it. A node that
 * kept forwarding waited for acknowledgements that could not come, and when it was decommissioned
 * next it did not leave for `rangeForwardMaxMs` (ten minutes): a live-lab click stream (monkey.spec
 * stream 73: add a node, remove it at once, remove another) left the second removal stuck.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KvNode } from '../node/kvNode.ts';
import { type NodeId, nodeId, nodeIds } from '../protocol/ids.ts';
import { RangeStreams } from './rangeStreams.ts';
import { underLoad } from './testing/underLoad.ts';

const before = nodeIds(5);
const joiner = nodeId('n6');

/** n6 joins at 5 s; once a source streams to it, the join is cancelled, and that source removed. */
function cancelThenDecommission() {
  const { sim, events } = underLoad(7, before, 60, { w: 2, r: 2 }, 12_000);
  let source: NodeId | null = null;
  let leaving: NodeId | null = null;
  sim.onEvent((event) => {
    if (source || event.type !== 'stream.started' || event.peer !== joiner) return;
    source = event.node === joiner ? null : event.node;
    if (!source) return;
    sim.schedule(sim.now + 200, 'cancel the join', () => {
      sim.crash(joiner);
      for (const id of before) sim.control(id, { nodeGone: joiner });
    });
    sim.schedule(sim.now + 700, 'decommission the source', () => {
      leaving = source;
      sim.control(source as NodeId, { decommission: true });
    });
  });
  sim.schedule(5_000, 'join n6', () =>
    sim.addNode(joiner, { join: true, members: [...before, joiner].map((id) => ({ id })) }),
  );
  sim.runUntil(30_000);
  const left = events.find(
    (e) => e.type === 'rebalance.finished' && e.kind === 'decommission' && e.node === leaving,
  );
  return { leaving, left, sim };
}

describe('a join cancelled while it pulls', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stops the streams and forwards to the joiner, so a decommission after it ends', () => {
    const { leaving, left } = cancelThenDecommission();
    expect(leaving).not.toBeNull();
    expect(left).toBeDefined();
  });

  it('negative control: a node that goes on forwarding to the cancelled joiner does not leave', () => {
    vi.spyOn(RangeStreams.prototype, 'forget').mockImplementation(() => {});
    const { leaving, left, sim } = cancelThenDecommission();
    expect(leaving).not.toBeNull();
    expect(left).toBeUndefined();
    const node = sim.node(leaving as unknown as NodeId) as KvNode;
    expect(node.rebalance.snapshot()).toMatchObject({
      phase: 'decommissioning',
      forwardsUnackedTo: [joiner],
    });
  });
});
