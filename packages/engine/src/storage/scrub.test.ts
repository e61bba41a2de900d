/**
 * Scrubbing (scrub.ts): rounds come once per interval of the store's clock, a pass verifies every
 * block of every table from the file, tables compacted away mid-pass are skipped, and bit rot in a
 * block the cache serves (so reads never meet it) is found by the scrub, not by the next restart.
 */

import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { ManualClock } from '../time/clock.ts';
import type { StorageEvent } from './events.ts';
import { flipBitInLargestTable } from './files/bitRot.ts';
import { MemoryFileSystem } from './files/memoryFileSystem.ts';
import { LsmStore } from './lsmStore.ts';
import type { LsmOptions } from './options.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const small: Partial<LsmOptions> = {
  memtableBytesMax: 2_048,
  blockBytesTarget: 256,
  tableBytesTarget: 2_048,
};

function storeWithTables(options: Partial<LsmOptions> = {}) {
  const clock = new ManualClock(0);
  const fs = new MemoryFileSystem();
  const store = LsmStore.open(fs, {
    ...small,
    scrubIntervalMs: 100,
    scrubBlocksPerRound: 4,
    ...options,
    clock,
  });
  for (let i = 0; i < 600; i++) store.put(`key-${String(i % 200).padStart(3, '0')}`, bytes(`value ${i}`));
  store.sync();
  return { clock, fs, store };
}

/** Advances the clock round by round, scrubbing, until `done` or `rounds` run out; returns the events. */
function scrubRounds(
  s: ReturnType<typeof storeWithTables>,
  rounds: number,
  done = (_: StorageEvent[]) => false,
) {
  const events: StorageEvent[] = [];
  for (let i = 0; i < rounds && !done(events); i++) {
    s.clock.advance(100);
    s.store.scrubIfDue();
    events.push(...s.store.drainEvents());
  }
  return events;
}

const passes = (events: StorageEvent[]) => events.filter((e) => e.type === 'scrub.passed');

describe('scrubbing', () => {
  it('verifies every block of every table in a pass, a round per interval', () => {
    const s = storeWithTables();
    const tables = s.store.snapshot().levels.reduce((n, level) => n + level.tables.length, 0);
    expect(tables).toBeGreaterThan(1);
    expect(s.store.scrubDue).toBe(100);
    s.store.scrubIfDue(); // not due yet
    expect(s.store.snapshot().scrub.blocksVerified).toBe(0);
    const events = scrubRounds(s, 500, (e) => passes(e).length > 0);
    const [pass] = passes(events);
    expect(pass).toMatchObject({ tables });
    const { scrub } = s.store.snapshot();
    expect(scrub).toMatchObject({ passes: 1, intervalMs: 100 });
    expect(scrub.blocksVerified).toBe(pass?.type === 'scrub.passed' ? pass.blocks : -1);
    expect(scrub.bytesVerified).toBeGreaterThan(0);
  });

  it('is idle with no tables, and off at interval 0', () => {
    const clock = new ManualClock(0);
    const store = LsmStore.open(new MemoryFileSystem(), { clock });
    store.put('k', bytes('v'));
    expect(store.scrubDue).toBeNull();
    const off = storeWithTables({ scrubIntervalMs: 0 });
    expect(off.store.scrubDue).toBeNull();
    expect(scrubRounds(off, 50)).toEqual(
      expect.not.arrayContaining([expect.objectContaining({ type: 'scrub.passed' })]),
    );
    expect(off.store.snapshot().scrub.blocksVerified).toBe(0);
  });

  it('skips the tables a compaction removed mid-pass and completes the pass', () => {
    const s = storeWithTables();
    scrubRounds(s, 3); // part of the way into the first pass
    s.store.compact();
    const events = scrubRounds(s, 500, (e) => passes(e).length >= 2);
    expect(passes(events)).toHaveLength(2);
    const after = s.store.snapshot().levels.reduce((n, level) => n + level.tables.length, 0);
    expect(passes(events)[1]).toMatchObject({ tables: after });
  });

  it('finds bit rot in a block the cache serves, which reads never meet', () => {
    const s = storeWithTables();
    for (let k = 0; k < 200; k++) s.store.get(`key-${String(k).padStart(3, '0')}`); // every block cached
    expect(flipBitInLargestTable(s.fs)).not.toBeNull();
    for (let k = 0; k < 200; k++) expect(s.store.get(`key-${String(k).padStart(3, '0')}`)).toBeDefined();
    let found: unknown = null;
    try {
      scrubRounds(s, 500);
    } catch (error) {
      found = error;
    }
    expect(isKvError(found) && found.code).toBe('KV_CORRUPTION');
    expect(String((found as Error).message)).toMatch(/table \d+\.sst in .*fails its checksum/);
    // The control: the same damage, never scrubbed, goes unnoticed by every read.
    const off = storeWithTables({ scrubIntervalMs: 0 });
    for (let k = 0; k < 200; k++) off.store.get(`key-${String(k).padStart(3, '0')}`);
    flipBitInLargestTable(off.fs);
    expect(() => scrubRounds(off, 500)).not.toThrow();
    for (let k = 0; k < 200; k++) expect(off.store.get(`key-${String(k).padStart(3, '0')}`)).toBeDefined();
  });
});
