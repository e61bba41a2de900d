/**
 * Cases for what the browser backends add beyond the engine's `FileSystem` contract: OPFS's slot
 * pool and catalog (torn catalog write, recycled slots, running out of spares), IndexedDB's chunked
 * image (shrinking across chunks) and its one-instance-per-database lock. Like the contract, plain
 * functions that throw on failure, run inside a worker by `storageTest.worker.ts`.
 */

import { type FileSystem, isKvError } from '@kvscope/engine';
import { type BrowserFileSystem, chooseBackend } from './chooseFileSystem.ts';
import { IndexedDbFileSystem } from './indexedDbFileSystem.ts';
import { catalogCopyNames, decodeCatalog } from './opfsCatalog.ts';
import type { OpfsFileSystem, OpfsOpenOptions } from './opfsFileSystem.ts';
import type { TestBackend } from './storageTestProtocol.ts';

export interface BackendCaseContext {
  backend: TestBackend;
  /** The OPFS folder path or the IndexedDB database name of this case. */
  storage: string;
  /** Closes the previous instance (as a worker exit would), then opens a new one on `storage`. */
  open(options?: OpfsOpenOptions): Promise<BrowserFileSystem>;
}

export interface BackendCase {
  readonly name: string;
  readonly backends: readonly TestBackend[];
  run(context: BackendCaseContext): Promise<void>;
}

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function pattern(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 7 + seed) % 251);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function writeFile(fs: FileSystem, name: string, data: Uint8Array): void {
  const handle = fs.open(name, { create: true });
  handle.write(0, data);
  handle.flush();
  handle.close();
}

function readAll(fs: FileSystem, name: string): Uint8Array {
  const handle = fs.open(name);
  const bytes = handle.read(0, handle.size());
  handle.close();
  return bytes;
}

async function opfsFolder(path: string): Promise<FileSystemDirectoryHandle> {
  let folder = await navigator.storage.getDirectory();
  for (const segment of path.split('/')) folder = await folder.getDirectoryHandle(segment);
  return folder;
}

export const backendCases: readonly BackendCase[] = [
  {
    name: 'chooseBackend picks OPFS where sync access handles exist, IndexedDB where they do not',
    backends: ['opfs'],
    async run() {
      check(chooseBackend() === 'opfs', `a Chromium worker got ${chooseBackend()}`);
      const prototype = FileSystemFileHandle.prototype as { createSyncAccessHandle?: unknown };
      const saved = Object.getOwnPropertyDescriptor(prototype, 'createSyncAccessHandle');
      delete prototype.createSyncAccessHandle;
      try {
        check(chooseBackend() === 'indexeddb', `without sync handles: ${chooseBackend()}`);
      } finally {
        if (saved) Object.defineProperty(prototype, 'createSyncAccessHandle', saved);
      }
    },
  },
  {
    name: 'a file shrunk across chunk boundaries, then grown, reopens with exactly its bytes',
    backends: ['opfs', 'indexeddb'],
    async run({ open }) {
      const fs = await open();
      writeFile(fs, 'big.sst', pattern(40_000, 1));
      const handle = fs.open('big.sst');
      handle.truncate(5_000);
      handle.flush();
      handle.truncate(20_000);
      handle.flush();
      handle.close();
      await fs.durable();
      const again = await open();
      const expected = new Uint8Array(20_000);
      expected.set(pattern(5_000, 1));
      check(sameBytes(readAll(again, 'big.sst'), expected), 'bytes beyond the shrink came back after reopen');
    },
  },
  {
    name: 'a torn catalog write leaves the catalog as it was before that change',
    backends: ['opfs'],
    async run({ open, storage }) {
      const fs = await open();
      writeFile(fs, 'MANIFEST', Uint8Array.of(1));
      writeFile(fs, 'MANIFEST.tmp', Uint8Array.of(2));
      fs.close();
      // Tear the newest copy (the one naming MANIFEST.tmp), as a crash while writing it would.
      const folder = await opfsFolder(storage);
      const copies = await Promise.all(
        catalogCopyNames.map(async (name) => (await folder.getFileHandle(name)).createSyncAccessHandle()),
      );
      const sequences = copies.map((copy) => {
        const bytes = new Uint8Array(copy.getSize());
        copy.read(bytes, { at: 0 });
        return decodeCatalog(bytes)?.sequence ?? -1;
      });
      const newest = copies[sequences[0]! > sequences[1]! ? 0 : 1]!;
      newest.truncate(Math.floor(newest.getSize() / 2));
      for (const copy of copies) copy.close();
      const after = await open();
      check(after.list().join() === 'MANIFEST', `after the torn catalog write: ${after.list().join()}`);
      check(sameBytes(readAll(after, 'MANIFEST'), Uint8Array.of(1)), 'MANIFEST holds its content');
      // Use up every spare, the orphaned slot of MANIFEST.tmp among them: each new file is empty.
      for (let i = 0; ; i++) {
        try {
          const handle = after.open(`new-${i}.sst`, { create: true });
          check(handle.size() === 0, `new-${i}.sst starts with ${handle.size()} bytes`);
          handle.close();
        } catch (error) {
          if (isKvError(error) && error.code === 'KV_IO' && i > 0) break;
          throw error;
        }
      }
    },
  },
  {
    name: 'a file created in a recycled slot never shows the deleted file’s bytes',
    backends: ['opfs'],
    async run({ open }) {
      const fs = await open();
      writeFile(fs, 'old.sst', pattern(5_000, 2));
      fs.delete('old.sst');
      fs.open('new.sst', { create: true }).close();
      const after = await open();
      check(after.open('new.sst').size() === 0, 'the new file is empty after reopen');
      check(after.list().join() === 'new.sst', `files after reopen: ${after.list().join()}`);
    },
  },
  {
    name: 'creating more files at once than there are spares is KV_IO until sparesReady()',
    backends: ['opfs'],
    async run({ open }) {
      const fs = (await open({ sparesTarget: 2 })) as BrowserFileSystem & { sparesReady(): Promise<void> };
      writeFile(fs, 'a.sst', Uint8Array.of(1));
      writeFile(fs, 'b.sst', Uint8Array.of(2));
      let refused: unknown;
      try {
        fs.open('c.sst', { create: true });
      } catch (error) {
        refused = error;
      }
      check(isKvError(refused) && refused.code === 'KV_IO', `a third create threw ${String(refused)}`);
      check(!fs.exists('c.sst'), 'a refused create leaves no file');
      await fs.sparesReady();
      writeFile(fs, 'c.sst', Uint8Array.of(3));
      const after = await open({ sparesTarget: 2 });
      check(after.list().join() === 'a.sst,b.sst,c.sst', `files after reopen: ${after.list().join()}`);
    },
  },
  {
    name: 'a second open of the same database waits until the first instance closes',
    backends: ['indexeddb'],
    async run({ open, storage }) {
      const first = await open();
      writeFile(first, 'a.log', Uint8Array.of(7, 7));
      let secondOpened = false;
      const second = IndexedDbFileSystem.open(storage).then((fs) => {
        secondOpened = true;
        return fs;
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      check(!secondOpened, 'a second instance opened while the first held the database');
      first.close();
      const fs = await second;
      check(
        sameBytes(readAll(fs, 'a.log'), Uint8Array.of(7, 7)),
        'the second instance sees the flushed file',
      );
      fs.close();
    },
  },
  {
    name: 'a flush reaches the disk only when something was written since the last one',
    backends: ['opfs'],
    async run({ open }) {
      const fs = (await open()) as OpfsFileSystem;
      const log = fs.open('commit.log', { create: true });
      const hints = fs.open('hints.log', { create: true });
      log.flush();
      hints.flush(); // both start dirty: a predecessor may have left unflushed bytes
      const { flushes } = fs.flushStats;
      const syncBoth = () => {
        log.flush();
        hints.flush();
      };
      log.append(pattern(40, 1));
      syncBoth();
      check(fs.flushStats.flushes === flushes + 1, 'a node sync after one append flushes once');
      hints.truncate(0);
      syncBoth();
      check(fs.flushStats.flushes === flushes + 2, 'a truncate makes the next flush reach the disk');
      syncBoth();
      check(fs.flushStats.flushes === flushes + 2, 'a sync with nothing written flushes nothing');
      log.write(0, pattern(8, 2));
      syncBoth();
      check(fs.flushStats.flushes === flushes + 3, 'an overwrite makes the next flush reach the disk');
      const fresh = await open();
      check(sameBytes(readAll(fresh, 'commit.log').subarray(0, 8), pattern(8, 2)), 'the bytes are there');
      fresh.close();
    },
  },
];
