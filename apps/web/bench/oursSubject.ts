/**
 * Our side of the browser benchmark: the engine's `LsmStore` on `OpfsFileSystem`, as a node worker
 * runs it (and on `IndexedDbFileSystem`, the fallback, for reference). A put is acknowledged once durable: `put`, then `sync()` (the commit log's flush), then
 * `fs.durable()` (already resolved on OPFS; the IndexedDB commit on the fallback). With 100 puts in flight the store group-commits: 100
 * puts, one sync. Before the gets the memtable is flushed, so gets are served from tables.
 */

import { LsmStore } from '@kvscope/engine';
import type { BrowserFileSystem } from '../src/worker/storage/chooseFileSystem.ts';
import { IndexedDbFileSystem } from '../src/worker/storage/indexedDbFileSystem.ts';
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

/** Our store on OPFS (`storage` is a folder), or on the IndexedDB fallback (a database name). */
export async function openOurs(backend: 'opfs' | 'indexeddb', storage: string): Promise<BenchSubject> {
  const wipe = () => (backend === 'opfs' ? OpfsFileSystem.wipe(storage) : IndexedDbFileSystem.wipe(storage));
  await wipe();
  const fs: BrowserFileSystem =
    backend === 'opfs' ? await OpfsFileSystem.open(storage) : await IndexedDbFileSystem.open(storage);
  const store = LsmStore.open(fs);
  return {
    name: `kvscope LsmStore on ${backend}`,
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
      await fs.durable();
      fs.close();
      await wipe();
    },
  };
}
