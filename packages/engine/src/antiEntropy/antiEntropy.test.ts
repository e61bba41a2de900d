import { describe, expect, it } from 'vitest';
import { antiEntropyExchangeTimeoutMs } from '../constants.ts';
import { kvError } from '../errors.ts';
import type { ClusterEvent } from '../protocol/events.ts';
import { nodeId } from '../protocol/ids.ts';
import { buildRing } from '../ring/ring.ts';
import type { Version } from '../versioning/siblings.ts';
import type { AntiEntropySettings } from './antiEntropy.ts';
import type { AntiEntropyDone } from './events.ts';
import { antiEntropyValidators, isAntiEntropyMessage } from './messages.ts';
import { MemoryReplica, pump, type Sent, versionOf, withOutput } from './testing/memoryReplica.ts';

const n1 = nodeId('n1');
const n2 = nodeId('n2');
const twoNodes = buildRing([{ id: n1 }, { id: n2 }], { virtualNodes: 4 });

function base(count: number): [string, Version[]][] {
  return Array.from({ length: count }, (_, i) => [`user:${i}`, [versionOf('n1', 1, `value-${i}`)]]);
}

function pair(
  a: Iterable<readonly [string, Version[]]>,
  b: Iterable<readonly [string, Version[]]>,
  settings: Partial<AntiEntropySettings> = {},
) {
  const options = { intervalMs: 0, ...settings };
  return [
    new MemoryReplica('n1', twoNodes, 2, options, a),
    new MemoryReplica('n2', twoNodes, 2, options, b),
  ] as const;
}

/** n1 compares every range with n2 now; the messages are carried until every exchange has ended. */
function exchangeAll(a: MemoryReplica, b: MemoryReplica) {
  const started = withOutput((out) => a.antiEntropy.trigger(0, out, n2));
  const result = pump([a, b]);
  const events = [...started, ...result.events];
  const done = events.filter((e): e is AntiEntropyDone => e.type === 'antientropy.done');
  return { ...result, events, done };
}

function keysThatTravelled(messages: readonly Sent[]): Set<string> {
  const keys = new Set<string>();
  for (const { body } of messages)
    if (body.type === 'merkle-versions') for (const v of body.versions) keys.add(v.key);
  return keys;
}

function rootsOf(replica: MemoryReplica): string[] {
  return replica.antiEntropy.ranges().map((r) => replica.antiEntropy.tree(r)?.root() ?? '');
}

describe('anti-entropy exchange', () => {
  it('between identical replicas sends just the two roots per range', () => {
    const [a, b] = pair(base(2_000), base(2_000));
    const ranges = a.antiEntropy.ranges().length;
    const { messages, done } = exchangeAll(a, b);
    expect(ranges).toBeGreaterThan(1);
    expect(messages.map((m) => m.body.type)).toEqual(Array(2 * ranges).fill('merkle-root'));
    expect(done).toHaveLength(ranges);
    expect(done.every((d) => d.outcome === 'in-sync' && d.messages === 2 && d.keysRepaired === 0)).toBe(true);
  });

  it('converges replicas with d differing keys in one exchange, and only those keys’ versions travel', () => {
    for (const d of [1, 10, 100]) {
      const [a, b] = pair(base(2_000), base(2_000));
      const differing = new Set<string>();
      for (let i = 0; i < d; i++) {
        const key = `user:${(i * 37) % 2_000}`;
        a.write(key, [versionOf('n1', 2, `newer-${i}`)]); // descends the shared version
        differing.add(key);
      }
      const { messages, done } = exchangeAll(a, b);
      expect(b.state()).toEqual(a.state());
      expect(rootsOf(b)).toEqual(rootsOf(a));
      expect(keysThatTravelled(messages)).toEqual(differing);
      expect(done.reduce((sum, e) => sum + e.keysRepaired, 0)).toBe(d);
    }
  });

  it('repairs both ways: keys each side lacks, and concurrent versions kept as siblings on both', () => {
    const shared = base(500);
    const [a, b] = pair(shared, shared);
    for (let i = 0; i < 40; i++) a.write(`only-a:${i}`, [versionOf('n1', 1, `a${i}`)]);
    for (let i = 0; i < 40; i++) b.write(`only-b:${i}`, [versionOf('n2', 1, `b${i}`)]);
    for (let i = 0; i < 10; i++) {
      a.write(`user:${i}`, [versionOf('n1', 2, `a-edit-${i}`)]);
      b.write(`user:${i}`, [versionOf('n2', 1, `b-edit-${i}`, [['n1', 1]])]); // concurrent with a's edit
    }
    exchangeAll(a, b);
    expect(b.state()).toEqual(a.state());
    expect(a.data.has('only-b:7') && b.data.has('only-a:7')).toBe(true);
    expect(a.data.get('user:3')?.length).toBe(2);
  });

  it('carries tombstones like values, so a delete reaches the replica that missed it', () => {
    const [a, b] = pair(base(300), base(300));
    for (let i = 0; i < 5; i++) a.write(`user:${i * 11}`, [versionOf('n1', 2, null)]);
    const { messages } = exchangeAll(a, b);
    expect(keysThatTravelled(messages).size).toBe(5);
    for (let i = 0; i < 5; i++) {
      const versions = b.data.get(`user:${i * 11}`) ?? [];
      expect(versions.map((v) => v.value)).toEqual([null]);
    }
  });

  it('restores a wiped replica, continuing at once when a message limit cut a repair short', () => {
    const [a, b] = pair(base(3_000), [], { versionsBytesMax: 8 * 1024, frontierNodesMax: 64 });
    const { events, done } = exchangeAll(a, b);
    expect(b.state()).toEqual(a.state());
    expect(events.some((e) => e.type === 'antientropy.started' && e.trigger === 'continue')).toBe(true);
    expect(done.reduce((sum, e) => sum + e.keysRepaired, 0)).toBe(3_000);
  });

  it('stops continuing when the same keys travel again (the peer cannot store them)', () => {
    const [a] = pair(base(500), [], { versionsBytesMax: 1024 });
    const full = new MemoryReplica('n2', twoNodes, 2, { intervalMs: 0 });
    full.apply = () => kvError('KV_QUOTA_EXCEEDED', 'the disk is full');
    const started = withOutput((out) => a.antiEntropy.trigger(0, out, n2));
    const { events } = pump([a, full], 0, 20_000); // throws if the exchanges never end
    const exchanges = [...started, ...events].filter((e) => e.type === 'antientropy.started');
    expect(full.data.size).toBe(0);
    expect(exchanges.some((e) => e.type === 'antientropy.started' && e.trigger === 'continue')).toBe(true);
    expect(exchanges.length).toBeLessThanOrEqual(2 * a.antiEntropy.ranges().length);
  });

  it('every message passes the validators that guard a worker boundary; malformed ones are refused', () => {
    const [a, b] = pair(base(200), base(150));
    const { messages } = exchangeAll(a, b); // pump validates each message and throws on a problem
    expect(new Set(messages.map((m) => m.body.type))).toEqual(
      new Set(['merkle-root', 'merkle-level', 'merkle-keys', 'merkle-versions']),
    );
    expect(messages.every((m) => isAntiEntropyMessage(m.body))).toBe(true);
    expect(isAntiEntropyMessage({ type: 'replica-put' })).toBe(false);
    const head = { exchange: 'n1#1', range: { start: 1, end: 2 } };
    const level = antiEntropyValidators['merkle-level'];
    expect(level({ ...head, parents: [1], digests: ['0000000000000000'] })).toMatch(/two digests/);
    expect(level({ ...head, parents: [2 ** 32], digests: ['0'.repeat(16), '0'.repeat(16)] })).not.toBeNull();
    expect(level({ ...head, parents: [3], digests: ['zz', 'yy'] })).not.toBeNull();
    expect(
      antiEntropyValidators['merkle-versions']({
        ...head,
        versions: [{ key: 'k', siblings: [1] }],
        want: [],
      }),
    ).not.toBeNull();
  });
});

describe('anti-entropy rounds', () => {
  const settings = { intervalMs: 1_000 };

  it('compares every range each interval, from the lower node id only', () => {
    const [a, b] = pair(base(100), base(100), settings);
    withOutput((out) => a.antiEntropy.tick(0, out));
    withOutput((out) => b.antiEntropy.tick(0, out));
    expect(a.antiEntropy.nextDeadline()).toBe(1_000);
    withOutput((out) => a.antiEntropy.tick(1_000, out));
    withOutput((out) => b.antiEntropy.tick(1_000, out));
    expect(b.outbox).toHaveLength(0);
    expect(a.outbox.length).toBeGreaterThan(0);
    const { done } = { done: pump([a, b], 1_000).events.filter((e) => e.type === 'antientropy.done') };
    expect(done).toHaveLength(a.antiEntropy.ranges().length);
  });

  it('abandons an exchange whose peer stays silent, reporting it timed out', () => {
    const [a, b] = pair(base(100), base(90), settings);
    b.cut.add(n1);
    withOutput((out) => a.antiEntropy.trigger(0, out));
    pump([a, b]);
    expect(a.antiEntropy.inFlight).toBeGreaterThan(0);
    const events: ClusterEvent[] = withOutput((out) => a.antiEntropy.tick(antiEntropyExchangeTimeoutMs, out));
    const outcomes = events.filter((e) => e.type === 'antientropy.done').map((e) => e.outcome);
    expect(outcomes.length).toBeGreaterThan(0);
    expect(new Set(outcomes)).toEqual(new Set(['timed-out']));
  });

  it('drops the queued exchanges of a round with a peer found down meanwhile', () => {
    const [a, b] = pair(base(100), base(100), { ...settings, exchangesMax: 1 });
    withOutput((out) => a.antiEntropy.tick(0, out));
    const round = withOutput((out) => a.antiEntropy.tick(1_000, out));
    const started = (events: ClusterEvent[]) => events.filter((e) => e.type === 'antientropy.started');
    expect(started(round)).toHaveLength(1);
    expect(a.antiEntropy.ranges().length).toBeGreaterThan(1); // the rest of the round waits
    a.down.add(n2);
    b.cut.add(n1);
    pump([a, b], 1_000);
    const later = withOutput((out) => a.antiEntropy.tick(1_000 + antiEntropyExchangeTimeoutMs, out));
    expect(later.filter((e) => e.type === 'antientropy.done').map((e) => e.outcome)).toEqual(['timed-out']);
    expect(started(later)).toHaveLength(0);
    a.down.delete(n2);
    const manual = withOutput((out) => a.antiEntropy.trigger(1_000 + antiEntropyExchangeTimeoutMs, out, n2));
    expect(started(manual)).toHaveLength(1);
  });

  it('reports a peer that does not replicate the range as refused', () => {
    const [a] = pair(base(50), []);
    const stranger = new MemoryReplica('n2', buildRing([{ id: n1 }, { id: n2 }, { id: nodeId('n3') }]), 1, {
      intervalMs: 0,
    });
    withOutput((out) => a.antiEntropy.trigger(0, out));
    const outcomes = pump([a, stranger])
      .events.filter((e) => e.type === 'antientropy.done')
      .map((e) => e.outcome);
    expect(outcomes).toContain('refused');
  });
});
