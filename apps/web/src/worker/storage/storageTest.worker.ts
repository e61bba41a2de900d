/**
 * Test worker: runs file-system code where OPFS sync access handles exist (a dedicated worker) on
 * behalf of the page-side browser tests (storageTestProtocol.ts). Every case gets fresh storage;
 * `open` closes the previous instance before opening the next, as a worker exit releases its files.
 */

import { fileSystemContractCases, isKvError } from '@kvscope/engine';
import { backendCases } from './backendCases.ts';
import type { BrowserFileSystem } from './chooseFileSystem.ts';
import { IndexedDbFileSystem } from './indexedDbFileSystem.ts';
import { OpfsFileSystem, type OpfsOpenOptions } from './opfsFileSystem.ts';
import type { TestBackend, TestReply, TestRequest } from './storageTestProtocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** The instance a `write-files` request left open, to be lost when the page terminates us. */
let kept: BrowserFileSystem | null = null;

function openOn(
  backend: TestBackend,
  storage: string,
  options?: OpfsOpenOptions,
): Promise<BrowserFileSystem> {
  return backend === 'opfs' ? OpfsFileSystem.open(storage, options) : IndexedDbFileSystem.open(storage);
}

function wipe(backend: TestBackend, storage: string): Promise<void> {
  return backend === 'opfs' ? OpfsFileSystem.wipe(storage) : IndexedDbFileSystem.wipe(storage);
}

/** Runs `body` on fresh storage with an `open` that hands over from instance to instance. */
async function onFreshStorage(
  backend: TestBackend,
  storage: string,
  body: (open: (options?: OpfsOpenOptions) => Promise<BrowserFileSystem>) => Promise<void> | void,
): Promise<void> {
  await wipe(backend, storage);
  let current: BrowserFileSystem | null = null;
  const open = async (options?: OpfsOpenOptions) => {
    current?.close();
    current = await openOn(backend, storage, options);
    return current;
  };
  try {
    await body(open);
  } finally {
    (current as BrowserFileSystem | null)?.close();
    await wipe(backend, storage);
  }
}

async function handle(request: TestRequest): Promise<[string, Uint8Array][] | undefined> {
  const { backend, storage } = request;
  switch (request.kind) {
    case 'contract': {
      const contractCase = fileSystemContractCases[request.index];
      if (!contractCase) throw new Error(`no contract case ${request.index}`);
      await onFreshStorage(backend, storage, (open) => contractCase.run(() => open()));
      return undefined;
    }
    case 'backend-case': {
      const backendCase = backendCases[request.index];
      if (!backendCase) throw new Error(`no backend case ${request.index}`);
      await onFreshStorage(backend, storage, (open) => backendCase.run({ backend, storage, open }));
      return undefined;
    }
    case 'write-files': {
      kept = await openOn(backend, storage);
      for (const [name, data] of request.files) {
        const file = kept.open(name, { create: true });
        file.truncate(0);
        file.append(data);
        file.flush();
        file.close();
      }
      await kept.durable();
      return undefined;
    }
    case 'read-files': {
      const fs = await openOn(backend, storage);
      const files = fs.list().map((name): [string, Uint8Array] => {
        const file = fs.open(name);
        const bytes = file.read(0, file.size());
        file.close();
        return [name, bytes];
      });
      fs.close();
      return files;
    }
    case 'wipe':
      kept?.close();
      kept = null;
      await wipe(backend, storage);
      return undefined;
  }
}

self.onmessage = async (event: MessageEvent<TestRequest>) => {
  const { id } = event.data;
  let reply: TestReply;
  try {
    const files = await handle(event.data);
    reply = files ? { id, ok: true, files } : { id, ok: true };
  } catch (error) {
    const text = isKvError(error)
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
    reply = { id, ok: false, error: text };
  }
  self.postMessage(reply);
};
