import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.ts';
import { type BloomFilter, bloomHash } from '../bloom/bloomFilter.ts';
import { BlockCache } from '../cache/blockCache.ts';
import { FaultyFileSystem } from '../files/faultyFileSystem.ts';
import { type Entry, EntryKind } from '../format/entry.ts';
import { encodeKey } from '../format/keys.ts';
import { TableBuilder, type TableBuildOptions } from './tableBuilder.ts';
import { TableReader } from './tableReader.ts';

const keyOf = (i: number) => `key-${String(i).padStart(5, '0')}`;

function build(count: number, options: Partial<TableBuildOptions> = {}, value = (i: number) => `value-${i}`) {
  const fs = new FaultyFileSystem();
  const builder = new TableBuilder(fs, 7, 0, {
    blockBytesTarget: 512,
    bloomFalsePositiveRate: 0.01,
    compression: 'none',
    ...options,
  });
  for (let i = 0; i < count; i++) {
    const kind = i % 10 === 9 ? EntryKind.Delete : EntryKind.Put;
    const entry: Entry = {
      key: keyOf(i),
      keyBytes: encodeKey(keyOf(i)),
      seq: i + 1,
      kind,
      value: kind ? new Uint8Array(0) : encodeKey(value(i)),
      deletedAt: kind ? 1000 + i : 0,
    };
    builder.add(entry);
  }
  const meta = builder.finish();
  return { fs, meta, reader: TableReader.open(fs, meta, new BlockCache(1 << 20)) };
}

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

describe('SSTable', () => {
  it('finds every key it holds, tombstones included, and nothing else', () => {
    const { reader, meta } = build(1_000);
    expect(meta).toMatchObject({
      entries: 1_000,
      tombstones: 100,
      smallest: keyOf(0),
      largest: keyOf(999),
      minSeq: 1,
      maxSeq: 1_000,
    });
    for (const i of [0, 1, 500, 998, 999]) {
      const entry = reader.get(encodeKey(keyOf(i)), keyOf(i));
      if (i % 10 === 9) expect(entry).toMatchObject({ kind: EntryKind.Delete, deletedAt: 1000 + i });
      else expect(text(entry?.value)).toBe(`value-${i}`);
    }
    for (const absent of ['key-00000a', 'a', 'zzz', 'key-01000'])
      expect(reader.get(encodeKey(absent), absent)).toBeUndefined();
  });

  it('iterates in order from any start key', () => {
    const { reader } = build(300);
    const all = [...reader.entries()].map((e) => e.key);
    expect(all).toHaveLength(300);
    expect(all).toEqual([...all].sort());
    expect([...reader.entries(encodeKey('key-00150x'))][0]?.key).toBe(keyOf(151));
    expect([...reader.entries(encodeKey('zzz'))]).toEqual([]);
  });

  it('its Bloom filter answers for every key it holds', () => {
    const { reader } = build(500);
    const filter: BloomFilter = reader.filter;
    for (let i = 0; i < 500; i++) expect(filter.mayContain(bloomHash(encodeKey(keyOf(i))))).toBe(true);
  });

  it('compresses blocks when that pays and reads them back', () => {
    const { reader, meta } = build(1_000, { compression: 'auto' }, (i) => `value-${i % 3}`.repeat(20));
    expect(meta.rawBlockBytes / meta.storedBlockBytes).toBeGreaterThan(2);
    expect(text(reader.get(encodeKey(keyOf(4)), keyOf(4))?.value)).toBe('value-1'.repeat(20));
  });

  it('stores incompressible blocks raw', () => {
    const rng = new Rng(1);
    const noise = () => Array.from({ length: 40 }, () => String.fromCharCode(33 + rng.int(90))).join('');
    const { meta } = build(300, { compression: 'auto' }, noise);
    expect(meta.storedBlockBytes).toBeGreaterThanOrEqual(meta.rawBlockBytes);
  });

  it('a flipped bit in a data block is KV_CORRUPTION naming the file and offset, never data', () => {
    const { fs, meta } = build(1_000);
    fs.flipBit('000007.sst', 700);
    const reader = TableReader.open(fs, meta, new BlockCache(1 << 20));
    const errors = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      try {
        const entry = reader.get(encodeKey(keyOf(i)), keyOf(i));
        if (entry && entry.kind === EntryKind.Put) expect(text(entry.value)).toBe(`value-${i}`);
      } catch (error) {
        errors.add(String(error));
      }
    }
    expect([...errors]).toHaveLength(1);
    expect([...errors][0]).toMatch(
      /KV_CORRUPTION: table 000007.sst in faulty: the block at offset \d+ fails its checksum/,
    );
  });

  it('a damaged footer, index or filter is KV_CORRUPTION at open', () => {
    const { fs, meta } = build(100);
    const size = meta.bytes;
    for (const offset of [size - 1, size - 30, size - 60]) {
      const copy = build(100).fs;
      copy.flipBit('000007.sst', offset);
      expect(() => TableReader.open(copy, meta, new BlockCache(1024))).toThrow(
        /KV_CORRUPTION: table 000007.sst/,
      );
    }
    expect(fs.exists('000007.sst')).toBe(true);
  });
});
