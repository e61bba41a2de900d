/**
 * The browser storage benchmark, inside a dedicated worker (where a node's storage runs): our LSM
 * store on OPFS against IndexedDB used directly, on the same workload — random 16-byte keys,
 * 100-byte values. The page (benchPage.ts) asks for a run and gets the measures back.
 */

import type { BenchOptions, BenchReply, SubjectFigures } from './benchProtocol.ts';
import { IndexedDbPeer } from './indexedDbPeer.ts';
import { type BenchSubject, openOurs } from './oursSubject.ts';

declare const self: DedicatedWorkerGlobalScope;

const valueBytes = 100;
const inFlight = 100;

/** A seeded xorshift32, so both subjects get the very same keys and values. */
function workload(seed: number, count: number): [string, Uint8Array][] {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  return Array.from({ length: count }, () => {
    const key = `${next().toString(16).padStart(8, '0')}${next().toString(16).padStart(8, '0')}`;
    const value = Uint8Array.from({ length: valueBytes }, () => next() & 0xff);
    return [key, value];
  });
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function measure(subject: BenchSubject, options: BenchOptions): Promise<SubjectFigures> {
  const single = workload(1, options.singlePuts);
  const latencies: number[] = [];
  let start = performance.now();
  for (const [key, value] of single) {
    const before = performance.now();
    await subject.putDurable(key, value);
    latencies.push(performance.now() - before);
  }
  const singlePutsPerSecond = single.length / ((performance.now() - start) / 1000);

  const windowed = workload(2, options.windowPuts);
  start = performance.now();
  await subject.putWindow(windowed, inFlight);
  const windowPutsPerSecond = windowed.length / ((performance.now() - start) / 1000);

  await subject.settle();
  const loaded = [...single, ...windowed];
  const probes = workload(3, options.gets).map((_, i) => loaded[(i * 7919) % loaded.length]![0]);
  start = performance.now();
  for (const key of probes) {
    const value = await subject.get(key);
    if (!value) throw new Error(`${subject.name}: key ${key} not found`);
  }
  const getsPerSecond = probes.length / ((performance.now() - start) / 1000);
  await subject.close();
  return {
    singlePutsPerSecond,
    singlePutP50Ms: percentile(latencies, 50),
    singlePutP90Ms: percentile(latencies, 90),
    singlePutP99Ms: percentile(latencies, 99),
    windowPutsPerSecond,
    getsPerSecond,
  };
}

/** IndexedDB as an app uses it: one transaction per put, a window of `limit` outstanding ones. */
function peerSubject(peer: IndexedDbPeer, name: string): BenchSubject {
  return {
    name,
    putDurable: (key, value) => peer.put(key, value),
    async putWindow(entries, limit) {
      let next = 0;
      const lane = async () => {
        while (next < entries.length) {
          const [key, value] = entries[next++]!;
          await peer.put(key, value);
        }
      };
      await Promise.all(Array.from({ length: limit }, lane));
    },
    get: (key) => peer.get(key),
    settle: async () => {},
    close: async () => peer.close(),
  };
}

self.onmessage = async (event: MessageEvent<BenchOptions>) => {
  try {
    const options = event.data;
    const ours = await measure(await openOurs('opfs', 'kvscope-bench/ours'), options);
    const fallback = await measure(await openOurs('indexeddb', 'kvscope-bench-ours'), options);
    const peers: Record<string, SubjectFigures> = {};
    for (const durability of ['default', 'strict', 'relaxed'] as const) {
      const peer = await IndexedDbPeer.open(`kvscope-bench-peer-${durability}`, durability);
      peers[durability] = await measure(peerSubject(peer, `IndexedDB ${durability}`), options);
    }
    self.postMessage({ ok: true, ours, fallback, peers } satisfies BenchReply);
  } catch (error) {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    self.postMessage({ ok: false, error: text } satisfies BenchReply);
  }
};
