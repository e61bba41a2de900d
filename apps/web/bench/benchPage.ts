/**
 * The benchmark page: `window.runStorageBench(options)` starts the benchmark worker (storage is a
 * worker's business, as in the lab), runs it once and resolves with its figures.
 */

import type { BenchOptions, BenchReply } from './benchProtocol.ts';

declare global {
  interface Window {
    runStorageBench(options: BenchOptions): Promise<BenchReply & { ok: true }>;
  }
}

window.runStorageBench = (options) =>
  new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./storageBench.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<BenchReply>) => {
      worker.terminate();
      if (event.data.ok) resolve(event.data);
      else reject(new Error(event.data.error));
    };
    worker.onerror = (event) => reject(new Error(`benchmark worker failed: ${event.message}`));
    worker.postMessage(options);
  });
