/** What the page asks the benchmark worker for, and what comes back (plain, structured-cloneable). */

export interface BenchOptions {
  /** Durable puts done one at a time (each awaited). */
  singlePuts: number;
  /** Durable puts done with 100 in flight. */
  windowPuts: number;
  /** Gets done one at a time, of keys written by the puts. */
  gets: number;
}

export interface SubjectFigures {
  singlePutsPerSecond: number;
  /** Latency percentiles of the one-at-a-time durable puts (the page is cross-origin isolated: 5 µs timer). */
  singlePutP50Ms: number;
  singlePutP90Ms: number;
  singlePutP99Ms: number;
  windowPutsPerSecond: number;
  getsPerSecond: number;
}

export type BenchReply =
  | {
      ok: true;
      /** Our LsmStore on OPFS. */
      ours: SubjectFigures;
      /** Our LsmStore on the IndexedDB fallback file system. */
      fallback: SubjectFigures;
      /** IndexedDB used directly, by durability mode ('default', 'strict', 'relaxed'). */
      peers: Record<string, SubjectFigures>;
    }
  | { ok: false; error: string };
