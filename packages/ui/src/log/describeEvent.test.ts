import { type ClusterEvent, nodeId } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { getK17WithRepair, putK17, putTimesOut, sampleEvents, storageStory } from '../fixtures/sampleData.ts';
import { describeEvent } from './describeEvent.ts';
import { selectEvents } from './eventFilter.ts';

const n = nodeId;
const find = (events: ClusterEvent[], type: string) => events.find((e) => e.type === type) as ClusterEvent;

describe('describeEvent', () => {
  it('says who acknowledged a write, under which quorum, how fast, and the clock it made', () => {
    expect(describeEvent(find(putK17, 'request.completed'))).toBe(
      'put k17 acknowledged by n1 and n4 (W=2) in 801 ms → [n1:3]',
    );
    expect(describeEvent(find(getK17WithRepair, 'request.completed'))).toBe(
      'get k17 answered by n4 and n1 (R=2) in 402 ms',
    );
  });

  it('says a timed-out write may or may not be stored, and how many acknowledged', () => {
    expect(describeEvent(find(putTimesOut, 'request.completed'))).toBe(
      'put k3 timed out after 2,000 ms with 2 of W=3 acknowledged (n1 and n3); it may or may not be stored: KV_TIMEOUT: 2 of 3 replicas acknowledged within 2,000 ms',
    );
    const failed: ClusterEvent = {
      type: 'request.completed',
      at: 0,
      node: n('n1'),
      requestId: 'c1',
      op: 'get',
      key: 'a',
      outcome: 'fail',
      answeredBy: [],
      needed: 2,
      latencyMs: 0.4,
      error: 'KV_QUORUM_UNREACHABLE',
    };
    expect(describeEvent(failed)).toBe('get a failed after 0.4 ms: 0 of R=2 answered: KV_QUORUM_UNREACHABLE');
  });

  it('describes the coordinator’s start, late answers, forwarding and read repair', () => {
    expect(describeEvent(find(putK17, 'request.started'))).toBe(
      'n1 coordinates put k17: asks n1, n4 and n2, needs W=2',
    );
    expect(describeEvent(putK17[putK17.length - 1] as ClusterEvent)).toBe(
      'n2 answered n1 (request c7), late: after the reply; it still feeds read repair',
    );
    expect(describeEvent(find(getK17WithRepair, 'request.forwarded'))).toBe(
      'n5 forwards get k17 to n4, which is on its preference list',
    );
    const expired = {
      type: 'request.forward-expired',
      at: 5_200,
      node: 'n3',
      requestId: 'c24',
      op: 'put',
      key: 'apple',
      to: 'n2',
      waitedMs: 5_204.030029296875,
    } as ClusterEvent;
    expect(describeEvent(expired)).toBe(
      'n3 gave up on n2 after 5,204 ms: n2 never answered its forward of put apple, so the client hears "unknown" (n2 may still have done it)',
    );
    expect(describeEvent(find(getK17WithRepair, 'read-repair.sent'))).toBe(
      'n4 repaired k17 on n2, which returned stale versions',
    );
    const ownCopy = {
      ...find(getK17WithRepair, 'read-repair.sent'),
      replicas: [n('n4'), n('n2')],
    } as ClusterEvent;
    expect(describeEvent(ownCopy)).toBe('n4 repaired k17 on itself and n2, which returned stale versions');
    expect(describeEvent(getK17WithRepair[getK17WithRepair.length - 1] as ClusterEvent)).toBe(
      'n2 stored a version of k17 [n1:3] from a read repair',
    );
  });

  it('counts the holders of a write-back in agreement with its verb', () => {
    const sent = {
      type: 'write-back.sent',
      at: 1_000,
      node: 'n1',
      requestId: 'c3',
      key: 'k1',
      replicas: [n('n2')],
      holders: [n('n1')],
      needed: 2,
    } as ClusterEvent;
    expect(describeEvent(sent)).toBe(
      'n1 writes the result of its read of k1 back to n2 before replying: 1 of the 2 replicas needed holds it',
    );
    const acked = {
      type: 'write-back.acked',
      at: 1_010,
      node: 'n2',
      requestId: 'c3',
      replica: n('n2'),
      ok: true,
    };
    expect(describeEvent({ ...acked, holders: 1 } as ClusterEvent)).toBe(
      'n2 stored the write-back of request c3 durably: 1 replica holds the result',
    );
    expect(describeEvent({ ...acked, holders: 2 } as ClusterEvent)).toBe(
      'n2 stored the write-back of request c3 durably: 2 replicas hold the result',
    );
  });

  it('says why a restarted node writes under a new name', () => {
    const renamed: ClusterEvent = {
      type: 'actor.renamed',
      at: 0,
      node: n('n4'),
      actor: n('n4~7k2q'),
      reason: 'no-record',
    };
    expect(describeEvent(renamed)).toBe(
      'n4 has no record of the name its writes carried: it writes as n4~7k2q from now on, so its new clock entries are never taken for its old ones',
    );
  });

  it('describes flushes, compactions, Bloom counts and recovery in the storage engine', () => {
    const lines = storageStory.map(describeEvent);
    expect(lines).toContain('n4 flushed its memtable to table 000012 (1,204 entries)');
    expect(lines).toContain(
      'n4 compacted 4 tables into 1 (read 185.5 KiB, wrote 117.7 KiB; dropped 311 overwritten versions and 4 tombstones); write amplification 3.2×',
    );
    expect(lines).toContain(
      'n4 skipped 420 table reads thanks to Bloom filters; 96 true and 3 false positives',
    );
    expect(lines).toContain(
      'n2 recovered: replayed 517 records from 1 commit log, truncated 37 B of torn tail, opened 3 tables',
    );
    expect(lines).toContain('n2 restarted and recovered from its files');
    const scrubbed = describeEvent({
      type: 'storage',
      ...{ at: 7_000, node: nodeId('n4') },
      event: { type: 'scrub.passed', tables: 3, blocks: 41, bytes: 165_000 },
    });
    expect(scrubbed).toBe(
      'n4 scrubbed every table: 3 tables, 41 blocks (161.1 KiB) re-read from disk, every checksum good',
    );
  });

  it('describes messages, drops with their reason, and node lifecycle', () => {
    expect(describeEvent(find(putK17, 'message.sent'))).toBe(
      'n1 sent replica-put #31 to n4 (arrives in 400 ms)',
    );
    expect(describeEvent(find(putTimesOut, 'message.dropped'))).toBe(
      'replica-put #40 from n1 to n2 dropped: n2 is down',
    );
    expect(describeEvent(find(putTimesOut, 'node.crashed'))).toBe('n2 crashed');
    const error = 'KV_CORRUPTION: table 000004.sst in n3: the block at offset 0 fails its checksum';
    expect(describeEvent({ type: 'node.disk-failed', at: 0, node: n('n3'), error })).toBe(
      `n3 found its own files damaged (${error}) and stopped: its disk is replaced, erased, and it restarts empty`,
    );
    expect(
      describeEvent({ type: 'peer.silent', at: 0, node: n('n1'), peer: n('n3'), silentForMs: 2_500 }),
    ).toBe('n1 has not heard from n3 for 2,500 ms');
  });

  it("writes failure-handling events and the lab's own faults as sentences", () => {
    const suspected = {
      type: 'member.suspected',
      at: 0,
      node: 'n1',
      member: 'n3',
      by: 'n1',
      silentForMs: 5200,
    };
    expect(describeEvent(suspected)).toContain('n1 suspects n3');
    const down = { type: 'member.down', at: 0, node: 'n1', member: 'n3', reportedBy: ['n1', 'n4'] };
    expect(describeEvent({ ...down, detector: 'gossip' })).toBe(
      'n1 declares n3 down (reported by n1 and n4)',
    );
    expect(describeEvent({ ...down, reportedBy: ['n1'], detector: 'phi' })).toBe(
      'n1 declares n3 down on its own evidence: φ reached the phi-accrual threshold',
    );
    expect(describeEvent({ ...down, reportedBy: ['n1'], detector: 'local' })).toBe(
      'n1 declares n3 down on its own evidence (local detector)',
    );
    const left = { type: 'member.left', at: 0, node: 'n1', member: 'n3' };
    expect(describeEvent(left)).toBe('n1 learns that n3 left');
    expect(describeEvent({ ...left, via: 'n2' })).toBe(
      "n1 learns from n2's ring that n3 left (gossip had stopped announcing it)",
    );
    const hint = { type: 'hint.stored', at: 0, node: 'n4', hintId: 1, owner: 'n3', key: 'k7' };
    expect(describeEvent(hint)).toBe('n4 stands in for n3: keeps a hint for k7');
    const fault = { type: 'lab.fault', at: 0, node: 'n3', kind: 'kill', label: 'n3 killed', nodes: ['n3'] };
    expect(describeEvent(fault)).toBe('n3 killed');
    const level = {
      type: 'antientropy.level',
      at: 0,
      node: 'n2',
      peer: 'n1',
      depth: 1,
      compared: 4,
      differing: 1,
    };
    expect(describeEvent(level)).toBe('n2 and n1 compare 4 Merkle tree nodes at depth 1: one differs');
    expect(describeEvent({ ...level, depth: 0, compared: 1, differing: 0 })).toBe(
      'n2 and n1 compare 1 Merkle tree node at depth 0: all agree',
    );
  });

  it('still reads sensibly for an event type this build does not know (a future protocol)', () => {
    const future = {
      type: 'member.whispered',
      at: 0,
      node: 'n1',
      member: 'n3',
      reporters: ['n1', 'n4'],
      detail: { x: 1 },
    };
    expect(describeEvent(future)).toBe('n1: member.whispered — member n3, reporters n1, n4');
  });

  it('gives every sample event a sentence that names the node it happened on', () => {
    for (const event of sampleEvents) {
      const sentence = describeEvent(event);
      expect(sentence.length).toBeGreaterThan(8);
      if (event.type !== 'request.completed') expect(sentence).toContain(event.node);
    }
  });
});

describe('selectEvents', () => {
  it('lists the newest first, bounded', () => {
    const lines = selectEvents(sampleEvents, {}, 5);
    expect(lines).toHaveLength(5);
    expect(lines.map((e) => e.at)).toEqual([...lines.map((e) => e.at)].sort((a, b) => b - a));
    expect(lines[0]?.at).toBe(Math.max(...sampleEvents.map((e) => e.at)));
  });

  it('filters by a node named anywhere in the event, by key and by kind', () => {
    const n2 = selectEvents(sampleEvents, { node: 'n2', kinds: ['request'] }, 100);
    expect(n2.some((e) => e.type === 'request.started' && e.node === 'n1')).toBe(true); // n2 was asked
    expect(n2.every((e) => !e.type.startsWith('message.') && e.type !== 'storage')).toBe(true);
    const k3 = selectEvents(sampleEvents, { key: 'k3' }, 100);
    expect(k3.length).toBeGreaterThan(0);
    expect(k3.every((e) => 'key' in e && e.key === 'k3')).toBe(true);
    const storage = selectEvents(sampleEvents, { kinds: ['storage'] }, 100);
    expect(storage.map((e) => e.type)).toEqual(Array(storage.length).fill('storage'));
    expect(storage).toHaveLength(5);
  });
  it('describes stray keys handed over and hints rerouted when their owner left', () => {
    const base = { at: 0, node: n('n5') };
    const strays: ClusterEvent = {
      ...base,
      type: 'range.strays',
      keys: 3,
      to: [n('n6'), n('n2')],
      streams: 2,
    };
    expect(describeEvent(strays)).toBe(
      'n5 holds 3 keys of ranges it no longer replicates (the ring changed while it was away): it hands them to n6 and n2, then deletes them',
    );
    const hint = { ...base, type: 'hint.rerouted', hintId: 4, owner: n('n4'), key: 'k2' } as const;
    expect(describeEvent({ ...hint, to: n('n1') })).toBe('n5 hands its hint for k2 to n1: n4 left the ring');
    expect(describeEvent({ ...hint, to: n('n5') })).toBe(
      'n5 stores its hint for k2 itself: n4 left the ring, and n5 is a replica of k2 now',
    );
  });

  it('describes the clean-up after a join and a ring restored from disk', () => {
    const range = { start: 10, end: 20 };
    const base = { at: 0, node: n('n1') };
    const cleaned: ClusterEvent = {
      ...base,
      type: 'range.cleaned',
      peer: n('n5'),
      range,
      keysRemoved: 12,
      keysKept: 1,
      rounds: 2,
    };
    expect(describeEvent(cleaned)).toBe(
      'n1 deletes 12 keys it handed to n5 and no longer replicates (keeps 1)',
    );
    const members = [n('n1'), n('n2'), n('n5')];
    const restored: ClusterEvent = { ...base, type: 'ring.restored', from: 'disk', members, left: false };
    expect(describeEvent(restored)).toBe('n1 restarts with its saved ring (n1, n2 and n5)');
    const waits: ClusterEvent = { ...base, type: 'ring.waitsForJoiner', joiner: n('n6') };
    expect(describeEvent(waits)).toBe(
      "n1 waits before it serves: a peer is handing ranges to n6, which n1's ring does not show yet",
    );
    const changed: ClusterEvent = {
      ...base,
      type: 'ring.changed',
      added: [n('n5')],
      removed: [],
      movedFraction: 0.25,
      ranges: 9,
    };
    expect(describeEvent(changed)).toBe("n1's ring changes (+n5): 25% of it moves");
    const done: ClusterEvent = {
      ...base,
      type: 'stream.done',
      stream: 'n5@1#0',
      peer: n('n5'),
      direction: 'out',
      range,
      keys: 64,
      bytes: 2048,
      ms: 120,
    };
    expect(describeEvent(done)).toBe('n1 sent 64 keys (2.0 KiB) to n5 in 120 ms');
  });
});
