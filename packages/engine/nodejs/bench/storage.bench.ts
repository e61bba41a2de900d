/**
 * Storage benchmark (issue 3): our LsmStore on the Node fs backend against LevelDB through
 * classic-level (sync off for both: neither waits for fsync per write), with memory-level (pure JS,
 * in memory, no durability) as a second reference. 100,000 random keys, 100 B and 1 KiB values
 * (random bytes, so compression cannot help either side). Measures, per value size:
 *   put        puts one at a time (ours: put(); theirs: await db.put())
 *   putBatch   puts in batches of 100 (ours: 100 put() calls — the store has no batch API and no
 *              per-call overhead to amortise; theirs: await db.batch(100 ops))
 *   get        random gets after a flush, served from tables, not the memtable (LevelDB is closed and
 *              reopened, which moves its log into tables)
 *   scan       one full ordered scan, entries per second
 * Run: npm run bench:storage
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { MemoryLevel } from 'memory-level';
import { Rng } from '../../src/random/rng.ts';
import { LsmStore } from '../../src/storage/lsmStore.ts';
import { NodeFileSystem } from '../nodeFileSystem.ts';
import { type Measure, reportResults } from './results.ts';

const keyCount = Number(process.env.KVSCOPE_BENCH_KEYS ?? 100_000);
const valueSizes = [
  { label: '100B', bytes: 100 },
  { label: '1KiB', bytes: 1024 },
];

interface Rates {
  put: number;
  putBatch: number;
  get: number;
  scan: number;
}

function workload(valueBytes: number) {
  const rng = new Rng(42, `bench/${valueBytes}`);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const keys = Array.from({ length: keyCount }, () => {
    let key = 'user';
    for (let i = 0; i < 12; i++) key += alphabet[rng.int(alphabet.length)];
    return key;
  });
  const values = Array.from({ length: 64 }, () => {
    const value = new Uint8Array(valueBytes);
    for (let i = 0; i < valueBytes; i++) value[i] = rng.int(256);
    return value;
  });
  return { keys, values, readOrder: rng.shuffle(keys) };
}

function rate(count: number, start: number): number {
  return count / ((performance.now() - start) / 1000);
}

function benchOurs(directory: string, valueBytes: number): Rates {
  const { keys, values, readOrder } = workload(valueBytes);
  let store = LsmStore.open(new NodeFileSystem(join(directory, 'put')));
  let start = performance.now();
  for (let i = 0; i < keys.length; i++) store.put(keys[i] as string, values[i & 63] as Uint8Array);
  const put = rate(keys.length, start);
  store.close();

  store = LsmStore.open(new NodeFileSystem(join(directory, 'batch')));
  start = performance.now();
  for (let i = 0; i < keys.length; i += 100) {
    for (let j = i; j < Math.min(keys.length, i + 100); j++)
      store.put(keys[j] as string, values[j & 63] as Uint8Array);
  }
  const putBatch = rate(keys.length, start);
  store.flush();

  start = performance.now();
  let found = 0;
  for (const key of readOrder) if (store.get(key)) found++;
  const get = rate(readOrder.length, start);
  if (found !== keys.length) throw new Error(`ours: found ${found} of ${keys.length} keys`);

  start = performance.now();
  let scanned = 0;
  for (const _ of store.scan()) scanned++;
  const scan = rate(scanned, start);
  store.close();
  return { put, putBatch, get, scan };
}

type Level = ClassicLevel<string, Uint8Array> | MemoryLevel<string, Uint8Array>;

async function benchLevel(
  open: () => Level,
  reopen: (db: Level) => Promise<Level>,
  valueBytes: number,
): Promise<Rates> {
  const { keys, values, readOrder } = workload(valueBytes);
  let db = open();
  await db.open();
  let start = performance.now();
  for (let i = 0; i < keys.length; i++) await db.put(keys[i] as string, values[i & 63] as Uint8Array);
  const put = rate(keys.length, start);
  await db.clear();

  start = performance.now();
  for (let i = 0; i < keys.length; i += 100) {
    const ops = [];
    for (let j = i; j < Math.min(keys.length, i + 100); j++) {
      ops.push({ type: 'put' as const, key: keys[j] as string, value: values[j & 63] as Uint8Array });
    }
    await db.batch(ops);
  }
  const putBatch = rate(keys.length, start);
  db = await reopen(db);

  start = performance.now();
  let found = 0;
  for (const key of readOrder) if ((await db.get(key)) !== undefined) found++;
  const get = rate(readOrder.length, start);
  if (found !== keys.length) throw new Error(`level: found ${found} of ${keys.length} keys`);

  start = performance.now();
  let scanned = 0;
  for await (const _ of db.iterator()) scanned++;
  const scan = rate(scanned, start);
  await db.close();
  return { put, putBatch, get, scan };
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'kvscope-bench-storage-'));
  const measures: Record<string, Measure> = {};
  const units: Record<keyof Rates, string> = {
    put: 'puts/s',
    putBatch: 'puts/s',
    get: 'gets/s',
    scan: 'entries/s',
  };
  try {
    for (const { label, bytes } of valueSizes) {
      const dir = join(root, label);
      const ours = benchOurs(join(dir, 'ours'), bytes);
      const levelDir = join(dir, 'leveldb');
      const options = { keyEncoding: 'utf8', valueEncoding: 'view' } as const;
      const leveldb = await benchLevel(
        () => new ClassicLevel<string, Uint8Array>(levelDir, options),
        async (db) => {
          await db.close();
          const reopened = new ClassicLevel<string, Uint8Array>(levelDir, options);
          await reopened.open();
          return reopened;
        },
        bytes,
      );
      const memory = await benchLevel(
        () => new MemoryLevel<string, Uint8Array>(options),
        async (db) => db,
        bytes,
      );
      for (const name of Object.keys(units) as (keyof Rates)[]) {
        const unit = units[name];
        measures[`${name}.${label}`] = {
          ours: ours[name],
          peer: leveldb[name],
          peerName: 'classic-level',
          unit,
          better: 'higher',
        };
        measures[`${name}.${label}.memory-level`] = {
          ours: ours[name],
          peer: memory[name],
          peerName: 'memory-level',
          unit,
          better: 'higher',
        };
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  reportResults('storage', measures);
}

await main();
