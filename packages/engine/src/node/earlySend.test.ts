/**
 * A coordinator's replica-puts leave before its own sync (the node contract's `early`), so its
 * flush and the replicas' overlap. The hazard that rule must survive: the coordinator loses power
 * after sending and before syncing, restarts without its new version, and writes the key again.
 * The second write must get a new dot — else replicas take it for the lost one and drop it — and
 * it does, because a restart starts its counters at its actor's lease, which is on disk before any
 * counter above it is issued (versioning/actor.ts). The negative control restarts with the lease
 * reset to 0 and reuses the dot.
 */
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import type { ReplicaPut } from '../replication/messages.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { writeActor } from '../versioning/actor.ts';
import type { NodeInput, StorageNode } from './contract.ts';
import { createKvNode } from './kvNode.ts';

const [n1, n2, n3] = ['n1', 'n2', 'n3'].map(nodeId) as [NodeId, NodeId, NodeId];
const text = (s: string) => new TextEncoder().encode(s);

/** Starts n1 (N=3, so all three replicate) on `fs`. */
function startAt(fs: FaultyFileSystem, now: number): StorageNode {
  const node = createKvNode({
    id: n1,
    peers: [n2, n3],
    rng: new Rng(1, 'n1'),
    fs,
    config: { n: 3, r: 2, w: 2 },
  });
  node.step({ type: 'start', now });
  return node;
}

/** Puts `value` at `node`: the replica-puts it sent, and whether they left early (before the sync). */
function putAt(node: StorageNode, now: number, value: string) {
  const request = { type: 'put', key: 'k', value: text(value), requestId: value } as const;
  const out = node.step({ type: 'request', now, request } as NodeInput);
  expect(out.syncBeforeSend).toBe(true);
  expect(out.replies).toEqual([]); // the reply waits for W acks, the local one only after the sync
  const early = (out.early ?? []).map((e) => e.body as ReplicaPut);
  const late = out.messages.map((e) => e.body).filter((b): b is ReplicaPut => b.type === 'replica-put');
  return { early: early.length > 0, puts: [...early, ...late] };
}

/** A first put (its lease is synced), then one whose replica-puts leave early and whose sync never comes. */
function lostWrite(fs: FaultyFileSystem) {
  const node = startAt(fs, 1_000);
  expect(putAt(node, 1_000, 'first').early).toBe(false); // counter 1 took a lease: sent after the sync
  node.sync();
  const lost = putAt(node, 1_010, 'lost');
  expect(lost.early).toBe(true);
  expect(lost.puts.map((p) => p.type)).toEqual(['replica-put', 'replica-put']);
  fs.crash('power', 'drop'); // the unsynced version is gone from n1's disk
  return lost.puts;
}

const dotOf = (puts: ReplicaPut[], value: string) =>
  puts[0]?.versions.find((v) => v.value && new TextDecoder().decode(v.value) === value)?.dot;

describe('early replica-puts', () => {
  it('leave before the sync, and a coordinator that lost power before syncing never reuses their dot', () => {
    const fs = new FaultyFileSystem({ rng: new Rng(3, 'disk') });
    const lost = lostWrite(fs);
    const next = putAt(startAt(fs, 1_050), 1_050, 'next');
    expect(next.early).toBe(false); // a restart's first counter is above its lease: a new lease first
    expect(dotOf(next.puts, 'next')?.counter).toBeGreaterThan(dotOf(lost, 'lost')?.counter ?? Infinity);
  });

  it('negative control: with its lease forgotten, the restarted coordinator reuses the lost dot', () => {
    const fs = new FaultyFileSystem({ rng: new Rng(3, 'disk') });
    const lost = lostWrite(fs);
    writeActor(fs, { name: n1, lease: 0, starts: 1 });
    const next = putAt(startAt(fs, 1_050), 1_050, 'next');
    expect(dotOf(next.puts, 'next')).toEqual(dotOf(lost, 'lost'));
  });
});
