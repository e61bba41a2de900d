/**
 * Messages between the page-side browser tests and `storageTest.worker.ts`, which runs file-system
 * code where OPFS sync access handles exist: inside a dedicated worker. Test support only.
 */

export type TestBackend = 'opfs' | 'indexeddb';

export type TestRequest = { id: number; backend: TestBackend; storage: string } & (
  | { kind: 'contract'; index: number }
  | { kind: 'backend-case'; index: number }
  | { kind: 'write-files'; files: [string, Uint8Array][] }
  | { kind: 'read-files' }
  | { kind: 'wipe' }
);

export type TestReply =
  | { id: number; ok: true; files?: [string, Uint8Array][] }
  | { id: number; ok: false; error: string };

/** A request before `ask` numbers it (Omit distributed over the union). */
export type TestCall = TestRequest extends infer R ? (R extends TestRequest ? Omit<R, 'id'> : never) : never;

/** Sends one request to a test worker and waits for its reply; an error reply rejects. */
export function ask(worker: Worker, request: TestCall): Promise<TestReply & { ok: true }> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (event: MessageEvent<TestReply>) => {
      if (event.data.id !== id) return;
      worker.removeEventListener('message', onMessage);
      if (event.data.ok) resolve(event.data);
      else reject(new Error(event.data.error));
    };
    worker.addEventListener('message', onMessage);
    worker.postMessage({ ...request, id } as TestRequest);
  });
}

let nextId = 1;
