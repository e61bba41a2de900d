import { describe, expect, it } from 'vitest';
import { isKvError } from '../errors.ts';
import { ManualClock } from '../time/clock.ts';
import type { StorageEvent } from './events.ts';
import { FaultyFileSystem } from './files/faultyFileSystem.ts';
import { MemoryFileSystem } from './files/memoryFileSystem.ts';
import { LsmStore } from './lsmStore.ts';
import type { LsmOptions } from './options.ts';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined) => (value ? new TextDecoder().decode(value) : undefined);
/** Thresholds small enough that a few hundred writes flush and compact several times. */
const small: Partial<LsmOptions> = {
  memtableBytesMax: 2_048,
  blockBytesTarget: 256,
  tableBytesTarget: 2_048,
  leveledL1BytesMax: 4_096,
};

function errorOf(action: () => unknown): { code?: string; message: string } {
  try {
    action();
  } catch (error) {
    return { code: isKvError(error) ? error.code : undefined, message: String(error) };
  }
  throw new Error('expected an error');
}

function fill(store: LsmStore, count: number, prefix = 'key'): void {
  for (let i = 0; i < count; i++) store.put(`${prefix}-${String(i % 150).padStart(3, '0')}`, bytes(`v${i}`));
}

describe('LsmStore', () => {
  it.each(['size-tiered', 'leveled'] as const)(
    'reads back the newest value of every key through flushes and %s compactions',
    (compaction) => {
      const store = LsmStore.open(new MemoryFileSystem(), { ...small, compaction });
      fill(store, 1_000);
      store.delete('key-007');
      for (let k = 0; k < 150; k++) {
        const key = `key-${String(k).padStart(3, '0')}`;
        const last = k < 100 ? 900 + k : 750 + k; // the last i < 1000 with i % 150 === k
        expect(text(store.get(key))).toBe(k === 7 ? undefined : `v${last}`);
      }
      const snapshot = store.snapshot();
      expect(snapshot.compaction.done).toBeGreaterThan(0);
      expect(snapshot.levels.flatMap((l) => l.tables).length).toBeGreaterThan(0);
      if (compaction === 'leveled') expect(snapshot.levels.some((l) => l.level > 0)).toBe(true);
    },
  );

  it('scanShared returns memtable values as stored and table values as views into their blocks', () => {
    const store = LsmStore.open(new MemoryFileSystem(), small);
    const owned = bytes('owned');
    store.putOwned('a', owned);
    expect([...store.scanShared()][0]?.[1]).toBe(owned);
    expect([...store.scan()][0]?.[1]).not.toBe(owned);
    store.flush();
    const [[key, value]] = [...store.scanShared()] as [[string, Uint8Array]];
    expect([key, text(value)]).toEqual(['a', 'owned']);
    // Not a copy: a view into the table's block, which `scan` copies out.
    expect(value.byteLength).toBeLessThan(value.buffer.byteLength);
    expect([...store.scan()][0]?.[1]?.byteLength).toBe(value.byteLength);
    expect([...store.scan()][0]?.[1]?.buffer.byteLength).toBe(value.byteLength);
  });

  it('scans in key order without tombstones, within [start, end)', () => {
    const store = LsmStore.open(new MemoryFileSystem(), small);
    fill(store, 600);
    store.delete('key-010');
    store.put('key-011', bytes('fresh'));
    const all = [...store.scan()];
    expect(all).toHaveLength(149);
    expect(all.map(([k]) => k)).toEqual(all.map(([k]) => k).sort());
    const range = [...store.scan('key-009', 'key-013')];
    expect(range.map(([k, v]) => [k, text(v)])).toEqual([
      ['key-009', 'v459'],
      ['key-011', 'fresh'],
      ['key-012', 'v462'],
    ]);
    expect([...store.scan('zzz')]).toEqual([]);
  });

  it('refuses empty and over-limit keys and values with sentences naming the limit, writing nothing', () => {
    const fs = new FaultyFileSystem({ recordTrace: true });
    const store = LsmStore.open(fs, { entryBytesMax: 10_240 });
    const before = fs.trace.length;
    expect(errorOf(() => store.put('', bytes('x')))).toMatchObject({ code: 'KV_KEY_EMPTY' });
    expect(errorOf(() => store.put('k'.repeat(1_025), bytes('x'))).message).toBe(
      'KvError: KV_KEY_TOO_LARGE: the key is 1,025 bytes; the limit is 1,024',
    );
    expect(errorOf(() => store.put('k', new Uint8Array(12_287))).message).toBe(
      'KvError: KV_VALUE_TOO_LARGE: key+value is 12,288 bytes; the limit is 10,240',
    );
    expect(errorOf(() => store.delete('')).code).toBe('KV_KEY_EMPTY');
    store.sync();
    expect(fs.trace.length).toBe(before);
    expect(store.snapshot().lastSeq).toBe(0);
    store.put('k', new Uint8Array(10_239));
    expect(store.get('k')?.length).toBe(10_239);
  });

  it('accepts records up to storedEntryBytesMax by default (a node stores sibling sets), not beyond', () => {
    const store = LsmStore.open(new MemoryFileSystem());
    store.put('siblings', new Uint8Array(20_000));
    expect(store.get('siblings')?.length).toBe(20_000);
    expect(errorOf(() => store.put('k', new Uint8Array(65_536))).message).toBe(
      'KvError: KV_VALUE_TOO_LARGE: key+value is 65,537 bytes; the limit is 65,536',
    );
  });

  it('keeps synced writes across a power loss and loses only unsynced ones', () => {
    const fs = new FaultyFileSystem();
    const store = LsmStore.open(fs, small);
    fill(store, 300);
    store.sync();
    store.put('late', bytes('unsynced'));
    fs.crash('power', 'drop');
    const reopened = LsmStore.open(fs, small);
    expect(text(reopened.get('key-149'))).toBe('v299');
    expect(reopened.get('late')).toBeUndefined();
    expect(reopened.snapshot().recovery.recordsReplayed).toBeGreaterThanOrEqual(0);
  });

  it('recovers everything after close and reopen, and refuses work once closed', () => {
    const fs = new MemoryFileSystem();
    const store = LsmStore.open(fs, small);
    fill(store, 400);
    store.close();
    expect(errorOf(() => store.get('key-001')).code).toBe('KV_CLOSED');
    const reopened = LsmStore.open(fs, small);
    expect(text(reopened.get('key-001'))).toBe('v301');
    expect([...reopened.scan()]).toHaveLength(150);
    const events = reopened.drainEvents();
    expect(events[0]).toMatchObject({ type: 'recovery.done' });
  });

  it('drops a tombstone only after its grace period, without resurrecting the value', () => {
    const clock = new ManualClock(1_000);
    const fs = new MemoryFileSystem();
    const store = LsmStore.open(fs, { ...small, clock, tombstoneGraceMs: 60_000 });
    store.put('gone', bytes('old'));
    store.flush();
    store.delete('gone');
    store.flush();
    store.compact();
    const tombstones = () =>
      store
        .snapshot()
        .levels.flatMap((l) => l.tables)
        .reduce((n, t) => n + t.tombstones, 0);
    expect(tombstones()).toBe(1);
    clock.advance(60_000);
    store.put('other', bytes('x'));
    store.flush();
    store.compact();
    expect(tombstones()).toBe(0);
    expect(store.get('gone')).toBeUndefined();
    store.close();
    expect(LsmStore.open(fs, small).get('gone')).toBeUndefined();
  });

  it('reports a full disk as KV_QUOTA_EXCEEDED and keeps acknowledged writes', () => {
    const fs = new FaultyFileSystem();
    const store = LsmStore.open(fs, small);
    fill(store, 200);
    store.sync();
    fs.quotaBytes = fs.totalBytes() + 1_000;
    let quotaError: { code?: string } | null = null;
    for (let i = 0; i < 2_000 && !quotaError; i++) {
      try {
        store.put(`more-${i}`, bytes('x'.repeat(50)));
        store.sync();
      } catch (error) {
        quotaError = { code: isKvError(error) ? error.code : String(error) };
      }
    }
    expect(quotaError).toEqual({ code: 'KV_QUOTA_EXCEEDED' });
    fs.crash('power', 'drop');
    fs.quotaBytes = null;
    const reopened = LsmStore.open(fs, small);
    for (let k = 0; k < 150; k++) expect(reopened.get(`key-${String(k).padStart(3, '0')}`)).toBeDefined();
  });

  it('emits events for the write path, compaction and reads, and a snapshot the lab can draw', () => {
    const store = LsmStore.open(new MemoryFileSystem(), { ...small, traceReads: true });
    fill(store, 800);
    store.put('fresh', bytes('in the memtable'));
    store.sync();
    store.get('fresh');
    store.get('key-0005'); // inside the tables' key ranges, held by none
    const events = store.drainEvents();
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'memtable.frozen',
      'memtable.flushed',
      'table.written',
      'manifest.switched',
      'log.rotated',
      'log.synced',
      'compaction.planned',
      'compaction.done',
      'read.traced',
      'bloom.counted',
    ] as const) {
      expect(types.has(type), type).toBe(true);
    }
    const done = events.find(
      (e): e is Extract<StorageEvent, { type: 'compaction.done' }> => e.type === 'compaction.done',
    );
    expect(done?.writeAmplification).toBeGreaterThan(1);
    const trace = events.filter((e) => e.type === 'read.traced');
    expect(trace.map((e) => e.type === 'read.traced' && e.source)).toEqual(['memtable', 'none']);
    expect(store.drainEvents()).toEqual([]);
    const snapshot = store.snapshot();
    expect(snapshot.memtable.bytesMax).toBe(2_048);
    expect(snapshot.levels[0]?.tables[0]).toMatchObject({ filter: { targetFalsePositiveRate: 0.01 } });
    expect(structuredClone(snapshot)).toEqual(snapshot);
  });

  it('counts Bloom-filter answers per table and block-cache hits', () => {
    const store = LsmStore.open(new MemoryFileSystem(), { ...small, autoCompact: false });
    fill(store, 150);
    store.flush();
    fill(store, 150, 'other');
    store.flush();
    for (let i = 0; i < 150; i++) store.get(`key-${String(i).padStart(3, '0')}`);
    for (let i = 0; i < 150; i++) store.get(`key-${String(i).padStart(3, '0')}`);
    const tables = store.snapshot().levels.flatMap((l) => l.tables);
    const counts = tables.reduce((n, t) => n + t.filter.truePositives, 0);
    expect(counts).toBe(300);
    expect(store.snapshot().cache.hitRate).toBeGreaterThan(0.5);
    const drained = store
      .drainEvents()
      .filter((e) => e.type === 'cache.counted' || e.type === 'bloom.counted');
    expect(drained).toHaveLength(2);
  });
});
