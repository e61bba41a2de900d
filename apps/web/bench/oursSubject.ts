/**
 * Our side of the browser benchmark. PLACEHOLDER until the engine's LsmStore lands: a bare commit
 * log on OpfsFileSystem (append a record, flush) with an in-memory index, which bounds from above
 * what the store can reach on OPFS.
 */

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
  const log = fs.open('bench.log', { create: true });
  const index = new Map<string, Uint8Array>();
  const encoder = new TextEncoder();
  const append = (key: string, value: Uint8Array) => {
    const k = encoder.encode(key);
    const record = new Uint8Array(8 + k.length + value.length);
    record.set(k, 8);
    record.set(value, 8 + k.length);
    log.append(record);
    index.set(key, value);
  };
  return {
    name: 'kvscope log on OPFS',
    async putDurable(key, value) {
      append(key, value);
      log.flush();
    },
    async putWindow(entries, limit) {
      for (let i = 0; i < entries.length; i += limit) {
        for (const [key, value] of entries.slice(i, i + limit)) append(key, value);
        log.flush();
      }
    },
    get: (key) => index.get(key),
    settle: async () => {},
    async close() {
      log.close();
      fs.close();
      await OpfsFileSystem.wipe(folder);
    },
  };
}
