/**
 * Our side of the browser benchmark: the engine's `LsmStore` on `OpfsFileSystem`, as a node worker
 * runs it. A put is acknowledged once durable: `put`, then `sync()` (the commit log's flush), then
 * `fs.durable()` (already resolved on OPFS). With 100 puts in flight the store group-commits: 100
 * puts, one sync. Before the gets the memtable is flushed, so gets are served from tables.
 */

import { LsmStore } from '@kvscope/engine';
import { OpfsFileSystem } from '../src/worker/storage/opfsFileSystem.ts';

export interface BenchSubject {
  readonly name: string;
  /** One put, resolved once durable. */
  putDurable(key: string, value: Uint8Array): Promise<void>;
  /** All `entries`, with up to `limit` in flight, each durable when this resolves. */
  putWindow(entries: [string, Uint8Array][], limit: number): Promise<void>;
  get(key: string): Promise<Uint8Array | undefined> | Uint8Array | undefined;
  /** Between the writes and the gets (ours: flush the memtable so gets read tables). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openOurs(folder: string): Promise<BenchSubject> {
  await OpfsFileSystem.wipe(folder);
  const fs = await OpfsFileSystem.open(folder);
  const store = LsmStore.open(fs);
  return {
    name: 'kvscope LsmStore on OPFS',
    async putDurable(key, value) {
      store.put(key, value);
      store.sync();
      await fs.durable();
    },
    async putWindow(entries, limit) {
      for (let i = 0; i < entries.length; i += limit) {
        const end = Math.min(entries.length, i + limit);
        for (let j = i; j < end; j++) store.put(entries[j]![0], entries[j]![1]);
        store.sync();
        await fs.durable();
      }
    },
    get: (key) => store.get(key),
    async settle() {
      store.flush();
      await fs.durable();
    },
    async close() {
      store.close();
      fs.close();
      await OpfsFileSystem.wipe(folder);
    },
  };
}
