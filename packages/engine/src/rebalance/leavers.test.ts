/**
 * A decommission held up for longer than the clean-ups and stray checks of the nodes it hands its
 * ranges to (leavers.ts). n5 joins n1…n4, and is decommissioned right after; a partition cuts it off
 * from n1 for 50 s, so it stays on every ring while the old owners run the join's clean-up (30 s
 * after the join) and look for strays. What n5 pushed and forwarded to n2, n3 and n4 must stay
 * there: once n5 has left, every key acknowledged with W = 3 is on each of its three replicas.
 * Control: without the leaving mark, they take n5's hand-over for strays and for handed-over keys
 * and give it back, and a replica lacks acknowledged writes after n5 has gone.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isKvError } from '../errors.ts';
import type { KvRequest } from '../index.ts';
import { createKvNode, type KvNode } from '../node/kvNode.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import { validateEnvelope } from '../protocol/messages.ts';
import { replicasFor } from '../ring/placement.ts';
import { Simulation } from '../simulation/simulation.ts';
import { Leavers } from './leavers.ts';

const before = nodeIds(4);
const leaver = 'n5' as NodeId;
const keys = Array.from({ length: 60 }, (_, i) => `k${i}`);

/** Writes at 1 s and every 2 s after the join; n5 joins at 2 s, leaves from 6 s, cut off from n1 from 6 s to 56 s. */
function heldUpDecommission() {
  const members = before.map((id) => ({ id }));
  const config = { n: 3, antiEntropyIntervalMs: 0, members, quorum: 'strict' };
  const sim = new Simulation({ seed: 4, nodes: before, createNode: createKvNode, config });
  const acked = new Set<string>();
  let writes = 0;
  const write = (at: number) =>
    sim.schedule(at, 'writes', () => {
      writes++;
      for (const key of keys) {
        const value = new Uint8Array([writes]);
        const put = { type: 'put', requestId: `${key}@${at}`, key, value, w: 3 } as KvRequest;
        sim.request('n2' as NodeId, put, (reply) => {
          if (reply.ok) acked.add(`${key}=${writes}`);
        });
      }
    });
  write(1_000);
  sim.schedule(2_000, 'join n5', () =>
    sim.addNode(leaver, { ...config, join: true, members: [...members, { id: leaver }] }),
  );
  sim.schedule(6_000, 'decommission n5, cut off from n1', () => {
    sim.control(leaver, { decommission: true });
    sim.network.cut(leaver, 'n1' as NodeId);
    sim.network.cut('n1' as NodeId, leaver);
  });
  for (let at = 8_000; at < 56_000; at += 8_000) write(at);
  sim.schedule(56_000, 'heal', () => sim.network.heal());
  const events: ClusterEvent[] = [];
  sim.onEvent((event) => {
    if (event.type === 'ring.changed' || event.type === 'range.strays' || event.type === 'range.cleaned')
      events.push(event);
  });
  sim.runUntil(120_000);
  return { sim, acked, events };
}

/** The latest value each replica of each key holds, against the latest acknowledged write of it. */
function missingOnReplicas(sim: Simulation, acked: Set<string>): string[] {
  const ring = (sim.node('n1' as NodeId) as KvNode).rebalance.ring;
  const missing: string[] = [];
  for (const key of keys) {
    const latest = Math.max(
      ...[...acked].filter((a) => a.startsWith(`${key}=`)).map((a) => Number(a.split('=')[1])),
    );
    for (const replica of replicasFor(ring, key, 3).nodes) {
      const stored = (sim.node(replica) as KvNode).store.read(key);
      const values = Array.isArray(stored) ? stored.map((v) => v.value?.[0] ?? 0) : [];
      if (!values.includes(latest)) missing.push(`${key}=${latest} on ${replica}`);
    }
  }
  return missing;
}

describe('a decommission held up past the clean-up of the join before it', () => {
  afterEach(() => vi.restoreAllMocks());

  it('leaves every acknowledged write on each of its replicas once the leaver has gone', () => {
    const { sim, acked, events } = heldUpDecommission();
    const left = events.find(
      (e) => e.type === 'ring.changed' && e.node === leaver && e.removed.includes(leaver),
    );
    expect(left?.at, 'n5 left after the heal').toBeGreaterThan(56_000);
    expect((sim.node('n1' as NodeId) as KvNode).rebalance.ring.nodes.map((n) => n.id)).toEqual(before);
    expect(acked.size).toBeGreaterThan(keys.length * 3);
    expect(missingOnReplicas(sim, acked)).toEqual([]);
  });

  it('control: without the leaving mark, replicas lack acknowledged writes after it', () => {
    vi.spyOn(Leavers.prototype, 'replicatesWithout').mockReturnValue(false);
    const { sim, acked, events } = heldUpDecommission();
    const handedBack = events.filter((e) => e.type === 'range.strays' || e.type === 'range.cleaned');
    expect(handedBack.some((e) => e.type === 'range.strays' && e.to.includes(leaver))).toBe(true);
    expect(missingOnReplicas(sim, acked).length).toBeGreaterThan(0);
  });
});

describe('the leaving mark on the wire', () => {
  const envelope = (body: Record<string, unknown>) => ({ from: 'n5', to: 'n2', id: 0, body });
  const batch = {
    type: 'stream-batch',
    stream: 'n5@1#0',
    range: { start: 1, end: 2 },
    seq: 0,
    entries: [],
    done: true,
  };
  const forward = { type: 'stream-forward', id: 3, key: 'k1', siblings: [] };

  it('is optional on stream batches and forwards, and must be true or false', () => {
    for (const body of [batch, forward]) {
      expect(isKvError(validateEnvelope(envelope(body)))).toBe(false);
      expect(isKvError(validateEnvelope(envelope({ ...body, leaving: true })))).toBe(false);
      expect(validateEnvelope(envelope({ ...body, leaving: 'yes' }))).toMatchObject({
        code: 'KV_INVALID_MESSAGE',
        message: expect.stringContaining('leaving true or false'),
      });
    }
  });
});
