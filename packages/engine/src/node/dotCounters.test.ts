/**
 * A coordinator never issues a dot (node, counter) twice, or replicas take two writes for one and
 * drop one (P1). Two ways it could forget a counter it issued:
 *
 * - It lost the versions that held it and went on: a range moved away and was cleaned up, a hint
 *   was handed off. Counters rise past every counter issued in the incarnation.
 * - Its replica-puts leave before its own sync (the node contract's `early`), so its flush and the
 *   replicas' overlap; it loses power after sending and before syncing, and restarts without the
 *   version. It restarts its counters at its actor's lease, which was on disk before any counter
 *   above it was issued (versioning/actor.ts). The negative control resets the lease to 0 and
 *   reuses the dot.
 */
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { Rng } from '../random/rng.ts';
import type { ReplicaPut } from '../replication/messages.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { writeActor } from '../versioning/actor.ts';
import type { NodeInput, StorageNode } from './contract.ts';
import { createKvNode, type KvNode } from './kvNode.ts';

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

describe('dot counters', () => {
  it('rise past every counter issued, so a key whose versions left this node never gets an old dot again', () => {
    // An lww random-fault sweep (seed 52) had a node reissue n1:1 for a key it had written before its
    // range moved away and was cleaned up: replicas took the two writes for one and lost both.
    const node = startAt(new FaultyFileSystem({ rng: new Rng(3, 'disk') }), 1_000) as KvNode;
    const first = dotOf(putAt(node, 1_000, 'first').puts, 'first');
    node.sync();
    node.lsm.delete('k'); // the range moved away and was cleaned up (rangeCleanup.ts)
    const again = dotOf(putAt(node, 1_010, 'again').puts, 'again');
    expect(again?.counter).toBeGreaterThan(first?.counter ?? Infinity);
  });
});

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
