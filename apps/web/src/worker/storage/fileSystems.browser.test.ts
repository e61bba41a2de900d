/**
 * The engine's `FileSystem` contract, and the cases the browser backends add (backendCases.ts), on
 * OPFS and IndexedDB in real Chromium, inside a dedicated worker — the only place OPFS sync access
 * handles exist. One vitest test per case; the worker reports each case's failure message.
 */

import { fileSystemContractCases } from '@kvscope/engine';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { backendCases } from './backendCases.ts';
import { ask, type TestBackend } from './storageTestProtocol.ts';

const storageOf: Record<TestBackend, string> = {
  opfs: 'kvscope-test/contract',
  indexeddb: 'kvscope-test-contract',
};

let worker: Worker;
beforeAll(() => {
  worker = new Worker(new URL('./storageTest.worker.ts', import.meta.url), { type: 'module' });
});
afterAll(() => worker.terminate());

for (const backend of ['opfs', 'indexeddb'] as const) {
  const storage = storageOf[backend];
  describe(`${backend} file system contract (in a worker)`, () => {
    fileSystemContractCases.forEach((contractCase, index) => {
      it(contractCase.name, async () => {
        await ask(worker, { kind: 'contract', backend, storage, index });
      });
    });
  });
  describe(`${backend} backend cases (in a worker)`, () => {
    backendCases.forEach((backendCase, index) => {
      if (!backendCase.backends.includes(backend)) return;
      it(backendCase.name, async () => {
        await ask(worker, { kind: 'backend-case', backend, storage, index });
      });
    });
  });
}
