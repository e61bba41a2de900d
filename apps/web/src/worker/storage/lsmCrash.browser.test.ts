/**
 * The crash test of issue 3 in a real browser: a worker runs the engine's LsmStore on OPFS (and on
 * the IndexedDB fallback), putting and syncing without pause; once it has reported a few thousand
 * puts acknowledged (durable), the page `terminate()`s it — mid-put, mid-flush or mid-compaction,
 * wherever it happens to be — and a new worker on the same storage recovers. Every put the page saw
 * acknowledged must be there with its value, in every round, and no key may hold a value never put.
 */

import { describe, expect, it } from 'vitest';
import type { CrashReport, CrashRound } from './lsmCrash.worker.ts';
import { ask, type TestBackend } from './storageTestProtocol.ts';

const storageOf: Record<TestBackend, string> = {
  opfs: 'kvscope-test/lsm-crash',
  indexeddb: 'kvscope-test-lsm-crash',
};
/** Kills per backend. Each OPFS recovery waits ~1.7 s for Chromium to release the killed worker's locks. */
const rounds = 2;

/** Starts a round's worker; resolves with its recovery report, then lets `untilAcked` wait for acks. */
function startRound(round: CrashRound) {
  const worker = new Worker(new URL('./lsmCrash.worker.ts', import.meta.url), { type: 'module' });
  let acked = -1;
  let failure: string | null = null;
  const waiters: (() => void)[] = [];
  const recovered = new Promise<CrashReport & { type: 'recovered' }>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<CrashReport>) => {
      const report = event.data;
      if (report.type === 'recovered') resolve(report);
      else if (report.type === 'acked') acked = report.upTo;
      else failure = report.error;
      if (failure) reject(new Error(failure));
      for (const wake of waiters.splice(0)) wake();
    };
  });
  const untilAcked = async (count: number) => {
    while (acked < count) {
      if (failure) throw new Error(failure);
      await new Promise<void>((wake) => waiters.push(wake));
    }
  };
  worker.postMessage(round);
  return { worker, recovered, untilAcked, acked: () => acked };
}

for (const backend of ['opfs', 'indexeddb'] as const) {
  describe(`${backend}: LsmStore in a worker killed mid-write`, () => {
    it(`recovers every acknowledged put, over ${rounds} kills`, async () => {
      const storage = storageOf[backend];
      const helper = new Worker(new URL('./storageTest.worker.ts', import.meta.url), { type: 'module' });
      await ask(helper, { kind: 'wipe', backend, storage });
      const acked: number[] = [];
      for (let round = 0; round <= rounds; round++) {
        const run = startRound({ backend, storage, round, acked: [...acked] });
        const report = await run.recovered;
        expect(report.lost, `acknowledged puts lost after kill ${round}`).toEqual([]);
        expect(report.invented, `values never put, after kill ${round}`).toEqual([]);
        if (round === rounds) {
          run.worker.terminate();
          break;
        }
        // Vary where the kill lands: a different number of acknowledged puts each round.
        await run.untilAcked(1_000 + round * 730);
        run.worker.terminate();
        acked.push(run.acked());
      }
      await ask(helper, { kind: 'wipe', backend, storage });
      helper.terminate();
    });
  });
}
