/**
 * Test worker for the kill-mid-write test (lsmCrash.browser.test.ts): opens the engine's LsmStore on
 * a browser file system — which recovers whatever a killed predecessor left — checks the puts that
 * earlier rounds had acknowledged, then puts and syncs without end, reporting each acknowledged
 * (durable) put, until the page terminates it mid-write. Test support only.
 */

import { LsmStore } from '@kvscope/engine';
import type { BrowserFileSystem } from './chooseFileSystem.ts';
import { IndexedDbFileSystem } from './indexedDbFileSystem.ts';
import { OpfsFileSystem } from './opfsFileSystem.ts';
import type { TestBackend } from './storageTestProtocol.ts';

declare const self: DedicatedWorkerGlobalScope;

export interface CrashRound {
  backend: TestBackend;
  storage: string;
  /** This round's key prefix. */
  round: number;
  /** For each earlier round, the highest put number the page saw acknowledged (-1: none). */
  acked: number[];
}

export type CrashReport =
  | { type: 'recovered'; lost: string[]; invented: string[]; recordsReplayed: number; truncatedBytes: number }
  | { type: 'acked'; upTo: number }
  | { type: 'error'; error: string };

/** Small, so a few thousand puts flush tables, rotate logs and compact: kills land in all of it. */
const memtableBytesMax = 24 * 1024;
const putsPerSync = 10;
const putsMax = 1_000_000;

export const crashKey = (round: number, i: number) => `r${round}-${String(i).padStart(7, '0')}`;

export function crashValue(key: string): Uint8Array {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return Uint8Array.from({ length: 100 }, (_, j) => (h >>> (j % 24)) & 0xff);
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Acknowledged puts missing or wrong (lost), and unacknowledged ones holding a wrong value. */
function check(store: LsmStore, acked: number[]): { lost: string[]; invented: string[] } {
  const lost: string[] = [];
  const invented: string[] = [];
  acked.forEach((upTo, round) => {
    for (let i = 0; i <= upTo; i++) {
      const key = crashKey(round, i);
      if (!sameBytes(store.get(key), crashValue(key))) lost.push(key);
    }
  });
  for (const [key, value] of store.scan()) {
    if (!sameBytes(value, crashValue(key))) invented.push(key);
  }
  return { lost: lost.slice(0, 20), invented: invented.slice(0, 20) };
}

async function run({ backend, storage, round, acked }: CrashRound): Promise<void> {
  const fs: BrowserFileSystem =
    backend === 'opfs' ? await OpfsFileSystem.open(storage) : await IndexedDbFileSystem.open(storage);
  const store = LsmStore.open(fs, { memtableBytesMax });
  const summary = store.snapshot().recovery;
  const post = (report: CrashReport) => self.postMessage(report);
  post({ type: 'recovered', ...check(store, acked), ...summary });
  for (let i = 0; i < putsMax; i++) {
    const key = crashKey(round, i);
    store.put(key, crashValue(key));
    if (i % putsPerSync === putsPerSync - 1) {
      store.sync();
      await fs.durable();
      post({ type: 'acked', upTo: i });
    }
  }
}

self.onmessage = (event: MessageEvent<CrashRound>) => {
  run(event.data).catch((error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    self.postMessage({ type: 'error', error: text } satisfies CrashReport);
  });
};
