/**
 * A killed worker is a crash: a worker writes and flushes files (and, on IndexedDB, waits for
 * `durable()`), is `terminate()`d without closing anything, and a new worker on the same folder or
 * database reads back everything that was flushed. Runs on OPFS and IndexedDB in real Chromium.
 */

import { afterEach, describe, expect, it } from 'vitest';
import { ask, type TestBackend } from './storageTestProtocol.ts';

const storageOf: Record<TestBackend, string> = {
  opfs: 'kvscope-test/terminate',
  indexeddb: 'kvscope-test-terminate',
};

const startWorker = () => new Worker(new URL('./storageTest.worker.ts', import.meta.url), { type: 'module' });
const workers: Worker[] = [];
afterEach(() => {
  for (const worker of workers.splice(0)) worker.terminate();
});

function filesOf(count: number): [string, Uint8Array][] {
  return Array.from({ length: count }, (_, i) => [
    `${String(i).padStart(6, '0')}.sst`,
    Uint8Array.from({ length: 1_000 + i * 3_001 }, (_, j) => (i * 31 + j) % 256),
  ]);
}

for (const backend of ['opfs', 'indexeddb'] as const) {
  describe(`${backend}: a terminated worker's flushed files`, () => {
    it('are all read back by a new worker on the same storage', async () => {
      const storage = storageOf[backend];
      const writer = startWorker();
      workers.push(writer);
      await ask(writer, { kind: 'wipe', backend, storage });
      const files = filesOf(12);
      await ask(writer, { kind: 'write-files', backend, storage, files });
      writer.terminate();

      const reader = startWorker();
      workers.push(reader);
      const { files: read } = await ask(reader, { kind: 'read-files', backend, storage });
      expect(read?.map(([name]) => name)).toEqual(files.map(([name]) => name));
      for (const [i, [, bytes]] of (read ?? []).entries()) expect(bytes).toEqual(files[i]![1]);
      await ask(reader, { kind: 'wipe', backend, storage });
    });
  });
}
