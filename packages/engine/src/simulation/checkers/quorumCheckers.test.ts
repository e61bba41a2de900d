/** P4 (stale reads), P5 (sessions), P6 (staleness measures), P9 (resurrection) on synthetic histories. */
import { describe, expect, it } from 'vitest';
import type { CheckerConfig, CheckerResult } from './checker.ts';
import { checkNoResurrection } from './resurrection.ts';
import { checkSessionGuarantees } from './sessions.ts';
import { measureStaleness } from './staleness.ts';
import { checkNoStaleReads } from './staleReads.ts';
import { Script } from './testing/histories.ts';

const strict: CheckerConfig = { n: 3, r: 2, w: 2, quorum: 'strict', conflictMode: 'siblings' };
const partial: CheckerConfig = { n: 3, r: 1, w: 1, quorum: 'sloppy', conflictMode: 'siblings' };

const a = { value: 'a', clock: { n1: 1 } };
const b = { value: 'b', clock: { n1: 2 } };

/** Process 1 writes a then b; process 2 then reads the old a: what an R=W=1 cluster can do. */
const staleRun = () =>
  new Script().put(1, 'k', 'a', a.clock).put(1, 'k', 'b', b.clock, a.clock).get(2, 'k', [a]);

describe('checkNoStaleReads (P4)', () => {
  it('passes when every read covers the writes completed before it; concurrent writes are not judged', () => {
    const s = new Script()
      .put(1, 'k', 'a', a.clock)
      .putInvoke(1, 'k', 'b', a.clock)
      .get(2, 'k', [a])
      .written(1, b.clock)
      .get(2, 'k', [b]);
    const result = checkNoStaleReads(s.ops, strict);
    expect({ valid: result.valid, promised: result.promised, counts: result.counts }).toEqual({
      valid: true,
      promised: true,
      counts: { reads: 2, readsAfterWrites: 2, staleReads: 0 },
    });
  });

  it('negative control (P10): an R=W=1-style stale read is flagged, and not promised there', () => {
    const result = checkNoStaleReads(staleRun().ops, partial);
    expect({ valid: result.valid, promised: result.promised, stale: result.counts.staleReads }).toEqual({
      valid: false,
      promised: false,
      stale: 1,
    });
    expect(result.violations[0]?.explanation).toMatch(/misses 1 write.*clock \{n1:2\}/);
  });

  it('treats a delete like a write: a read after it must cover the tombstone', () => {
    const s = new Script()
      .put(1, 'k', 'a', a.clock)
      .deleteInvoke(1, 'k', a.clock)
      .written(1, { n1: 2 })
      .get(2, 'k', [a]);
    expect(checkNoStaleReads(s.ops, strict).counts.staleReads).toBe(1);
  });

  it('counts stale reads under last-write-wins but does not promise none: a later timestamp wins by design', () => {
    const lww: CheckerConfig = { ...strict, conflictMode: 'lww' };
    const result = checkNoStaleReads(staleRun().ops, lww);
    expect({ valid: result.valid, promised: result.promised }).toEqual({ valid: false, promised: false });
    expect(measureStaleness(staleRun().ops, lww).promised).toBe(false); // P6's R+W>N claim likewise
    expect(measureStaleness(staleRun().ops, strict).promised).toBe(true);
  });
});

describe('checkSessionGuarantees (P5)', () => {
  const rules = (results: readonly CheckerResult[]) =>
    results.flatMap((r) => r.violations.map((v) => v.rule));

  it('negative control: a process that does not read its own write', () => {
    const s = new Script().put(1, 'k', 'a', a.clock).get(1, 'k', []);
    const [ryw, monotonic] = checkSessionGuarantees(s.ops, strict);
    expect(rules([ryw, monotonic])).toEqual(['read-your-writes']);
    expect([ryw.valid, monotonic.valid]).toEqual([false, true]);
  });

  it('negative control: a process whose second read goes back in time', () => {
    const s = new Script()
      .put(2, 'k', 'a', a.clock)
      .put(2, 'k', 'b', b.clock, a.clock)
      .get(1, 'k', [b])
      .get(1, 'k', [a]);
    const [ryw, monotonic] = checkSessionGuarantees(s.ops, strict);
    expect(rules([ryw, monotonic])).toEqual(['monotonic-reads']);
    expect({ name: monotonic.name, valid: monotonic.valid, promised: monotonic.promised }).toEqual({
      name: 'monotonic-reads',
      valid: false,
      promised: true,
    });
  });

  it("passes when a session sees its writes and never goes back; another process's staleness is not its concern", () => {
    const s = staleRun().get(1, 'k', [b]).get(1, 'k', [b]);
    expect(checkSessionGuarantees(s.ops, strict).every((r) => r.valid)).toBe(true);
  });

  it('says which guarantee is promised: monotonic reads need the write-back before the reply, a majority R and siblings; both need siblings', () => {
    const promised = (config: CheckerConfig) => checkSessionGuarantees([], config).map((r) => r.promised);
    expect(promised(strict)).toEqual([true, true]);
    expect(promised({ ...strict, readRepair: 'before-reply' })).toEqual([true, true]);
    expect(promised({ ...strict, readRepair: 'after-reply' })).toEqual([true, false]);
    expect(promised({ ...strict, r: 1, w: 3 })).toEqual([true, false]); // R=1: no write-back can keep it
    expect(promised({ ...strict, conflictMode: 'lww' })).toEqual([false, false]); // timestamps decide
    expect(promised(partial)).toEqual([false, false]);
    const eachQuorum = { replicationPerDc: { a: 3, b: 3 }, r: 'EACH_QUORUM', w: 'EACH_QUORUM' } as const;
    expect(promised({ ...strict, n: 6, r: 4, w: 4, dataCentres: eachQuorum })).toEqual([true, true]);
  });
});

describe('checkNoResurrection (P9)', () => {
  const deleted = () =>
    new Script().put(1, 'k', 'a', a.clock).deleteInvoke(1, 'k', a.clock).written(1, { n1: 2 });
  const final: CheckerConfig = { ...partial, finalReadsFromMs: 100 };

  it('negative control: a final read returning the deleted value is a resurrection, in any configuration', () => {
    const result = checkNoResurrection(deleted().at(100).get(2, 'k', [a]).ops, final);
    expect(result.violations.map((v) => v.rule)).toEqual(['resurrected']);
  });

  it('does not judge a mid-run partial-quorum read (staleness), nor a value concurrent with the delete', () => {
    expect(checkNoResurrection(deleted().get(2, 'k', [a]).ops, final).valid).toBe(true);
    const concurrent = { value: 'c', clock: { n2: 1 } };
    expect(checkNoResurrection(deleted().at(100).get(2, 'k', [concurrent]).ops, final).valid).toBe(true);
  });

  it('is measured, not promised, under last-write-wins (a put stamped ahead beats a later delete)', () => {
    const result = checkNoResurrection(deleted().at(100).get(2, 'k', [a]).ops, {
      ...final,
      conflictMode: 'lww',
    });
    expect([result.valid, result.promised]).toEqual([false, false]);
    expect(checkNoResurrection(deleted().ops, final).promised).toBe(true);
  });

  it('judges every read after the delete when quorums intersect, and stops once the key is written again', () => {
    expect(checkNoResurrection(deleted().get(2, 'k', [a]).ops, strict).valid).toBe(false);
    const rewritten = deleted().put(3, 'k', 'z', { n1: 3 }, { n1: 2 }).get(2, 'k', [a]);
    expect(checkNoResurrection(rewritten.ops, strict).counts.finalDeletes).toBe(0);
  });
});

describe('measureStaleness (P6)', () => {
  it('reports t-visibility per bin and k-staleness from the history', () => {
    const s = new Script()
      .put(1, 'k', 'a', a.clock)
      .put(1, 'k', 'b', b.clock, a.clock) // acked at t=4
      .at(4)
      .get(2, 'k', [a]) // t = 1 ms after: stale, but within 2 versions
      .at(20)
      .get(2, 'k', [b]); // t = 17 ms after: fresh
    const { pbs, counts, valid, promised } = measureStaleness(s.ops, partial, {
      binEdgesMs: [0, 10],
      kMax: 2,
    });
    expect({ valid, promised, counts }).toEqual({
      valid: true,
      promised: false,
      counts: { reads: 2, readsAfterWrites: 2, staleReads: 1 },
    });
    expect(pbs.tVisibility).toEqual([
      { fromMs: 0, toMs: 10, reads: 1, consistent: 0, probability: 0 },
      { fromMs: 10, toMs: null, reads: 1, consistent: 1, probability: 1 },
    ]);
    expect(pbs.kStaleness.map((k) => k.probability)).toEqual([0.5, 1]);
  });

  it('negative control: with R+W>N any stale read is a violation', () => {
    expect(measureStaleness(staleRun().ops, strict).valid).toBe(false);
  });
});
