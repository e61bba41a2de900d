/**
 * The disk failure rule (node/contract.ts): a node that finds its own files damaged — a table block
 * or a table's footer failing its checksum — is stopped, its disk erased and the node started
 * empty by its driver, and recovers as a wiped node does, while the cluster keeps serving. Before
 * the rule, the checksum's KV_CORRUPTION escaped the node's step and stopped the whole run.
 */
import { describe, expect, it } from 'vitest';
import { type NodeId, nodeIds } from '../protocol/ids.ts';
import type { KvReply, KvRequest } from '../replication/requests.ts';
import { preferenceList } from '../ring/preferenceList.ts';
import { buildRing } from '../ring/ring.ts';
import { Simulation } from '../simulation/simulation.ts';
import { FaultyFileSystem } from '../storage/files/faultyFileSystem.ts';
import { createKvNode } from './kvNode.ts';

const ids = nodeIds(5);
const n1 = ids[0] as NodeId;
const text = (s: string) => new TextEncoder().encode(s);
const decode = (v: Uint8Array | null) => (v === null ? null : new TextDecoder().decode(v));

function cluster() {
  const disks = new Map<NodeId, FaultyFileSystem>();
  const fileSystem = (id: NodeId) => {
    const disk = new FaultyFileSystem({ label: id });
    disks.set(id, disk);
    return disk;
  };
  const config = { n: 3, r: 2, w: 2, quorum: 'strict' };
  const sim = new Simulation({ seed: 1, nodes: ids, createNode: createKvNode, config, fileSystem });
  const log: string[] = [];
  sim.onEvent((e) => {
    if (e.node !== n1) return;
    if (e.type === 'node.disk-failed') log.push(`disk-failed: ${e.error}`);
    if (e.type === 'node.started') log.push(`started${e.recovered ? ' from its files' : ' empty'}`);
    if (e.type === 'rebalance.finished') log.push(`rebalance ${e.kind} finished`);
  });
  let next = 0;
  const call = (node: NodeId, request: object): KvReply | undefined => {
    let reply: KvReply | undefined;
    sim.request(node, { ...request, requestId: `c${next++}` } as KvRequest, (r) => {
      reply = r as KvReply;
    });
    sim.runFor(2_000);
    return reply;
  };
  const values = (reply: KvReply | undefined) =>
    reply?.ok && reply.type === 'get' ? reply.siblings.map((v) => decode(v.value)) : reply;
  // Keys n1 replicates, flushed to one table on its disk.
  for (let i = 0; i < 30; i++)
    call(ids[i % 5] as NodeId, { type: 'put', key: `k${i}`, value: text(`v${i}`) });
  sim.control(n1, { storage: 'flush' });
  const disk = disks.get(n1) as FaultyFileSystem;
  const table = disk.list().find((name) => name.endsWith('.sst')) as string;
  const ring = buildRing(ids.map((id) => ({ id })));
  const held = Array.from({ length: 30 }, (_, i) => `k${i}`).filter((key) =>
    preferenceList(ring, key, 3).nodes.includes(n1),
  );
  return { sim, disk, table, log, call, values, held };
}

describe('the disk failure rule', () => {
  it('a damaged table block read by a get: the node is wiped and rebuilds, the cluster keeps serving', () => {
    const { sim, disk, table, log, call, values, held } = cluster();
    disk.flipBit(table, 8); // in data block 0, which holds the smallest keys (not read since the flush)
    log.length = 0;
    expect(held.length).toBeGreaterThan(5);
    // n1 reads its own copy of the first key it holds, from the first block: its coordinator is
    // wiped mid-request, and the client hears nothing (it would time out).
    expect(call(n1, { type: 'get', key: held.sort()[0], r: 2 })).toBeUndefined();
    expect(log[0]).toMatch(
      new RegExp(
        `^disk-failed: KV_CORRUPTION: table ${table} in n1: the block at offset \\d+ fails its checksum`,
      ),
    );
    expect(log[1]).toBe('started empty');
    sim.runFor(10_000);
    expect(log).toContain('rebalance rebuild finished'); // strict: its ranges pulled back before it reads
    for (let i = 0; i < 30; i++)
      expect(values(call(n1, { type: 'get', key: `k${i}`, r: 3 }))).toEqual([`v${i}`]);
  });

  it('a damaged table footer found when the node reopens: it starts empty instead of not at all', () => {
    const { sim, disk, table, log, call, values } = cluster();
    const size = disk.open(table).size();
    disk.flipBit(table, size - 3);
    sim.crash(n1);
    log.length = 0;
    sim.restart(n1);
    expect(log[0]).toMatch(/^disk-failed: KV_CORRUPTION: /);
    expect(log[1]).toBe('started empty');
    expect(sim.state(n1)).toBe('up');
    sim.runFor(10_000);
    expect(values(call(ids[1] as NodeId, { type: 'get', key: 'k7', r: 3 }))).toEqual(['v7']);
  });
});
