/**
 * A coordinator's replica-puts leave before its own sync (the node contract's `early`), so its
 * flush and the replicas' overlap. The hazard that rule must survive: the coordinator loses power
 * after sending and before syncing, restarts without its new version, and writes the key again.
 * The second write must get a new dot — else replicas take it for the lost one and drop it — and
 * it does, because each incarnation starts its counters above the last one's (`counterFloorAt`).
 * The negative control restarts with no floor (an origin in the future) and reuses the dot.
 */
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import type { ReplicaPut } from '../replication/messages.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import type { NodeInput } from './contract.ts';
import { createKvNode } from './kvNode.ts';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(nodeId) as [NodeId, NodeId, NodeId];
const text = (s: string) => new TextEncoder().encode(s);

/** Puts `value` at n1 (N=3, so all three replicate) and returns the replica-puts it sent early. */
function putAt(fs: FaultyFileSystem, now: number, value: string, dotOriginMs: number) {
  const config = { n: 3, r: 2, w: 2, dotOriginMs };
  const node = createKvNode({ id: n1, peers: [n2, n3], rng: new Rng(1, 'n1'), fs, config });
  node.step({ type: 'start', now });
  const request = { type: 'put', key: 'k', value: text(value), requestId: value } as const;
  const out = node.step({ type: 'request', now, request } as NodeInput);
  expect(out.syncBeforeSend).toBe(true);
  expect(out.replies).toEqual([]); // the reply waits for W acks, the local one only after the sync
  return (out.early ?? []).map((e) => e.body as ReplicaPut);
}

const dotOf = (puts: ReplicaPut[], value: string) =>
  puts[0]?.versions.find((v) => v.value && new TextDecoder().decode(v.value) === value)?.dot;

describe('early replica-puts', () => {
  it('leave before the sync, and a coordinator that lost power before syncing never reuses their dot', () => {
    const fs = new FaultyFileSystem({ rng: new Rng(3, 'disk') });
    const first = putAt(fs, 1_000, 'lost', 0);
    expect(first.map((p) => p.type)).toEqual(['replica-put', 'replica-put']);
    fs.crash('power', 'drop'); // the unsynced version is gone from n1's disk
    const second = putAt(fs, 1_050, 'next', 0);
    expect(dotOf(second, 'next')?.counter).toBeGreaterThan(dotOf(first, 'lost')?.counter ?? Infinity);
  });

  it('negative control: without the counter floor the restarted coordinator reuses the lost dot', () => {
    const fs = new FaultyFileSystem({ rng: new Rng(3, 'disk') });
    const first = putAt(fs, 1_000, 'lost', 1e12);
    fs.crash('power', 'drop');
    const second = putAt(fs, 1_050, 'next', 1e12);
    expect(dotOf(second, 'next')).toEqual(dotOf(first, 'lost'));
  });
});
