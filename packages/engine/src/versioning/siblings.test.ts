/**
 * T11, sibling sets (SPEC 1.5, P2): sync keeps exactly the non-dominated versions, as an antichain,
 * whatever order they arrive in; tombstones follow the same rules; reads reconcile replicas' answers;
 * the stored encoding round-trips and refuses garbage. Also the last-write-wins contrast.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { type NodeId, nodeId } from '../protocol/ids.ts';
import { resolveLastWriteWins, syncLastWriteWins } from './lastWriteWins.ts';
import { newVersion } from './newVersion.ts';
import {
  contextCovers,
  decodeSiblings,
  encodeSiblings,
  isTombstone,
  reconcile,
  sameSiblings,
  seenBy,
  syncSiblings,
  type Version,
} from './siblings.ts';
import { compare, emptyClock, increment, merge, type VectorClock, vectorClock } from './vectorClock.ts';

const nodes = ['a', 'b', 'c', 'd'].map(nodeId);
const arbClock: fc.Arbitrary<VectorClock> = fc
  .tuple(...nodes.map(() => fc.nat({ max: 2 })))
  .map((cs) =>
    vectorClock(
      cs.map((counter, i) => ({ node: nodes[i] as NodeId, counter, timestamp: 0 })).filter((e) => e.counter),
    ),
  );
/** A version's payload is a function of its clock, as when equal clocks name the same write. */
const versionOf = (clock: VectorClock, tombstone = false): Version => ({
  clock,
  value: tombstone ? null : Uint8Array.from(clock.map((e) => e.counter)),
  timestamp: clock.reduce((s, e) => s + e.counter, 0),
  writer: clock[0]?.node ?? 'client',
});
const arbVersion = fc.tuple(arbClock, fc.boolean()).map(([c, t]) => versionOf(c, t));
const text = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

describe('syncSiblings', () => {
  it('keeps exactly the non-dominated versions, once each, as an antichain', () => {
    fc.assert(
      fc.property(
        fc.array(arbVersion, { maxLength: 8 }),
        fc.array(arbVersion, { maxLength: 8 }),
        (xs, ys) => {
          const existing = syncSiblings([], xs);
          const result = syncSiblings(existing, ys);
          for (let i = 0; i < result.length; i++) {
            for (let j = i + 1; j < result.length; j++) {
              expect(compare((result[i] as Version).clock, (result[j] as Version).clock)).toBe('concurrent');
            }
          }
          for (const v of [...xs, ...ys]) {
            const dominated = [...xs, ...ys].some((w) => compare(w.clock, v.clock) === 'after');
            const kept = result.some((r) => compare(r.clock, v.clock) === 'equal');
            expect(kept).toBe(!dominated);
          }
        },
      ),
    );
  });

  it('does not depend on the order versions arrive in', () => {
    fc.assert(
      fc.property(
        fc
          .array(arbVersion, { maxLength: 10 })
          .chain((vs) => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length }))),
        fc.nat({ max: 10 }),
        ([vs, shuffled], cut) => {
          const oneByOne = shuffled.reduce<Version[]>((set, v) => syncSiblings(set, [v]), []);
          const split = syncSiblings(syncSiblings([], vs.slice(cut)), vs.slice(0, cut));
          expect(oneByOne).toEqual(syncSiblings([], vs));
          expect(split).toEqual(syncSiblings([], vs));
        },
      ),
    );
  });

  it('treats a delete as a version: it replaces what its context covers and sits beside concurrent writes', () => {
    const v1 = versionOf(increment(emptyClock, nodeId('a'), 1));
    const concurrentWrite = versionOf(increment(v1.clock, nodeId('b'), 2));
    const deletion = versionOf(increment(v1.clock, nodeId('c'), 3), true);
    const set = syncSiblings(syncSiblings([v1], [concurrentWrite]), [deletion]);
    expect(set).toHaveLength(2);
    expect(set.filter(isTombstone)).toHaveLength(1);
    // A stale replica's old value cannot come back: the tombstone descends it.
    expect(syncSiblings([deletion], [v1])).toEqual([deletion]);
    // A put with the merged context resolves both.
    const resolved = versionOf(increment(merge(concurrentWrite.clock, deletion.clock), nodeId('a'), 4));
    expect(syncSiblings(set, [resolved])).toEqual([resolved]);
    expect(contextCovers(resolved.clock, deletion.clock)).toBe(true);
  });
});

describe('reconcile (a read)', () => {
  it('returns the merged siblings, their merged context, and the replicas read repair must fix', () => {
    const d2 = increment(increment(emptyClock, nodeId('Sx'), 1), nodeId('Sx'), 2);
    const [d3, d4] = [versionOf(increment(d2, nodeId('Sy'), 3)), versionOf(increment(d2, nodeId('Sz'), 4))];
    const old = versionOf(d2);
    const { siblings, context, staleReplicas } = reconcile([[d3], [old], [d3, d4]]);
    expect(siblings).toEqual([d3, d4]);
    expect(context).toEqual(merge(d3.clock, d4.clock));
    expect(staleReplicas).toEqual([0, 1]);
    expect(reconcile([]).siblings).toEqual([]);
  });

  it('answers from replicas that agree give the same result as syncing them one by one', () => {
    fc.assert(
      fc.property(
        fc.array(arbVersion, { maxLength: 6 }),
        fc.array(arbVersion, { maxLength: 6 }),
        (xs, ys) => {
          const held = syncSiblings([], xs);
          const copy = decodeSiblings(encodeSiblings(held)) as Version[]; // equal, not the same objects
          const other = syncSiblings([], ys);
          expect(sameSiblings(held, copy)).toBe(true);
          expect(sameSiblings(held, other)).toBe(
            held.length === other.length && encodeSiblings(held).join() === encodeSiblings(other).join(),
          );
          const answers = [held, copy, other];
          const folded = answers.reduce<Version[]>((acc, set) => syncSiblings(acc, set), []);
          expect(reconcile(answers).siblings).toEqual(folded);
        },
      ),
    );
  });
});

describe('sibling-set encoding', () => {
  it('round-trips any sibling set exactly', () => {
    fc.assert(
      fc.property(fc.array(arbVersion, { maxLength: 6 }), fc.option(fc.string()), (vs, writer) => {
        const set = syncSiblings([], vs).map((v) => (writer === null ? { ...v, writer: undefined } : v));
        const clean = set.map((v) =>
          v.writer === undefined ? { clock: v.clock, value: v.value, timestamp: v.timestamp } : v,
        );
        expect(decodeSiblings(encodeSiblings(clean))).toEqual(clean);
      }),
    );
  });

  it('round-trips the smallest version: a tombstone with an empty clock (10 bytes)', () => {
    // fast-check found it: the decoder assumed at least 11 bytes per sibling and refused it.
    const tombstone = [{ clock: emptyClock, value: null, timestamp: 0 }];
    expect(decodeSiblings(encodeSiblings(tombstone))).toEqual(tombstone);
  });

  it('refuses garbage, truncation and sets that are not antichains, without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const decoded = decodeSiblings(bytes);
        if (isKvError(decoded)) expect(decoded.code).toBe('KV_CORRUPTION');
        else expect(encodeSiblings(decoded)).toEqual(bytes);
      }),
      { numRuns: 3_000 },
    );
    const v1 = { clock: increment(emptyClock, nodeId('a'), 1), value: text('x'), timestamp: 1 };
    const v2 = { clock: increment(v1.clock, nodeId('a'), 2), value: text('y'), timestamp: 2 };
    const bytes = encodeSiblings([v1, v2]); // v2 descends v1: never a valid stored set
    const refused = decodeSiblings(bytes, 'KV_INVALID_MESSAGE');
    expect(isKvError(refused) && refused.message).toMatch(
      /KV_INVALID_MESSAGE: invalid sibling set: .*covers another/,
    );
    const good = encodeSiblings([v1]);
    for (let n = 0; n < good.length; n++) expect(isKvError(decodeSiblings(good.subarray(0, n)))).toBe(true);
  });
});

describe('last-write-wins (the contrast)', () => {
  const at = (node: string, timestamp: number, writer: string, from: VectorClock = emptyClock): Version => ({
    clock: increment(from, nodeId(node), timestamp),
    value: text(`${writer}@${timestamp}`),
    timestamp,
    writer,
  });

  it('keeps the latest timestamp and reports the concurrent writes it silently drops', () => {
    const base = at('a', 1, 'c1');
    const overwrite = at('a', 2, 'c1', base.clock);
    const concurrentWrite = at('b', 3, 'c2', base.clock);
    const late = at('c', 5, 'c3', base.clock);
    const { winner, lost, superseded } = resolveLastWriteWins([base, overwrite, concurrentWrite, late]);
    expect(winner).toBe(late);
    expect(superseded).toEqual([base]);
    expect(lost).toEqual([overwrite, concurrentWrite]); // siblings mode would have kept them
    expect(syncSiblings([], [base, overwrite, concurrentWrite, late])).toHaveLength(3);
  });

  it('breaks timestamp ties by writer id, the same on every replica', () => {
    const x = at('a', 7, 'client-1');
    const y = at('b', 7, 'client-2');
    expect(syncLastWriteWins([x], [y])).toEqual([y]);
    expect(syncLastWriteWins([y], [x])).toEqual([y]);
    expect(syncLastWriteWins([], [])).toEqual([]);
  });
});

describe('seenBy (what a write had seen)', () => {
  const n3 = nodeId('n3');
  const n1 = nodeId('n1');
  const write = (context: VectorClock, local: Version[]) =>
    newVersion({ context, coordinator: n3, now: 1, value: text('v'), local });

  it('is nothing for two blind writes through one coordinator, whose clocks look ordered', () => {
    const a = write(emptyClock, []);
    const b = write(emptyClock, [a]);
    expect(compare(a.clock, b.clock)).toBe('before');
    expect(seenBy(a)).toEqual([]);
    expect(seenBy(b)).toEqual([]);
    expect(syncSiblings([a], [b])).toHaveLength(2);
  });

  it('is the context written with: its own entry back at the base, the others as they were', () => {
    const a = write(emptyClock, []);
    const context = merge(a.clock, vectorClock([{ node: n1, counter: 4, timestamp: 0 }]));
    const merged = write(context, [a]);
    expect(seenBy(merged)).toEqual(context);
    expect(syncSiblings([a], [merged])).toEqual([merged]);
  });

  it('is the clock of a version without a dot', () => {
    const v = versionOf(vectorClock([{ node: n1, counter: 2, timestamp: 0 }]));
    expect(seenBy(v)).toBe(v.clock);
  });
});
