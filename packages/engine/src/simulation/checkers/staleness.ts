/**
 * P6, staleness of partial quorums, measured (TESTING T6; Bailis et al., "Probabilistically Bounded
 * Staleness", 2012). With R + W ≤ N a read may miss a completed write; how often, and how far back?
 *
 * - t-visibility: for each `ok` read, take the latest write of its key acknowledged before the read
 *   was invoked; t = read invoke time − that write's ack time. The read is *consistent* when its
 *   context covers the write's clock. Reported per bin of t: P(consistent | t).
 * - k-staleness: the read is *within k versions* when its context covers the k-th latest write
 *   acknowledged before it (trivially so when fewer than k writes preceded it). Reported for
 *   k = 1 … kMax: P(within k). With R = W = 1, N = 3 and no repair, theory gives 1 − (2/3)^k.
 *
 * As a checker: measured, not promised — except that with strict quorums and R + W > N any stale
 * read is a violation (T6: "R+W>N gives exactly 0 stale reads"), in siblings mode only: under
 * last-write-wins a later timestamp wins by design (`freshReadsPromised`).
 */

import type { HistoryOp } from '../history.ts';
import {
  type CheckerConfig,
  type CheckerResult,
  freshReadsPromised,
  type OkRead,
  okReads,
  ViolationLog,
  writesBefore,
} from './checker.ts';
import { covers, showClock } from './clocks.ts';

export interface VisibilityBin {
  fromMs: number;
  /** Exclusive upper edge; `null` for the last, open bin. */
  toMs: number | null;
  reads: number;
  consistent: number;
  /** consistent / reads, or null for an empty bin. */
  probability: number | null;
}

export interface KStaleness {
  k: number;
  reads: number;
  within: number;
  probability: number | null;
}

export interface PbsReport {
  tVisibility: VisibilityBin[];
  kStaleness: KStaleness[];
}

export interface StalenessOptions {
  /** Lower edges of the t bins in ms, ascending; default 0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000. */
  binEdgesMs?: readonly number[];
  /** Largest k reported; default 5. */
  kMax?: number;
}

const defaultBinEdgesMs = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000];

export function measureStaleness(
  history: readonly HistoryOp[],
  config: CheckerConfig,
  options: StalenessOptions = {},
): CheckerResult & { pbs: PbsReport } {
  const edges = options.binEdgesMs ?? defaultBinEdgesMs;
  const kMax = options.kMax ?? 5;
  const bins: VisibilityBin[] = edges.map((fromMs, i) => ({
    fromMs,
    toMs: edges[i + 1] ?? null,
    reads: 0,
    consistent: 0,
    probability: null,
  }));
  const ks: KStaleness[] = Array.from({ length: kMax }, (_, i) => ({
    k: i + 1,
    reads: 0,
    within: 0,
    probability: null,
  }));
  const log = new ViolationLog();
  const counts = { reads: 0, readsAfterWrites: 0, staleReads: 0 };
  const strict = freshReadsPromised(config);
  tallyReads(okReads(history), { bins, ks, log, counts, strict });
  for (const bin of bins) bin.probability = bin.reads === 0 ? null : bin.consistent / bin.reads;
  for (const entry of ks) entry.probability = entry.reads === 0 ? null : entry.within / entry.reads;
  const result = log.result('staleness', 'P6', strict, counts);
  return { ...result, pbs: { tVisibility: bins, kStaleness: ks } };
}

/** What `tallyReads` adds to. */
interface Tally {
  bins: VisibilityBin[];
  ks: KStaleness[];
  log: ViolationLog;
  counts: { reads: number; readsAfterWrites: number; staleReads: number };
  /** Stale reads are violations (`freshReadsPromised`). */
  strict: boolean;
}

/**
 * Every `ok` read into the t and k tallies, and the stale ones into the log. The loop is alone in
 * its function (see checker.ts, Cost): code after it would deoptimise the loop's kept code on
 * every run.
 */
function tallyReads(reads: readonly OkRead[], { bins, ks, log, counts, strict }: Tally): void {
  for (let i = 0; i < reads.length; i++) {
    const { read: op, invoke, writes } = reads[i]!;
    const prefix = writesBefore(reads[i]!);
    counts.reads++;
    if (prefix === 0) continue;
    const latest = writes[prefix - 1]!;
    counts.readsAfterWrites++;
    const consistent = covers(op.context, latest.clock);
    const bin = lastBinAtOrBelow(bins, invoke.time - latest.time);
    if (bin !== undefined) {
      bin.reads++;
      if (consistent) bin.consistent++;
    }
    countWithinK(ks, op, writes, prefix, consistent);
    if (consistent) continue;
    counts.staleReads++;
    if (!strict) continue;
    log.add(
      'stale-read',
      op.key,
      [op.index, latest.index],
      () =>
        `with R+W>N the read of ${op.key} ${invoke.time - latest.time} ms after the write acknowledged with ${showClock(latest.clock)} did not see it`,
    );
  }
}

/** Adds a read to every k's tally: within k when it saw the k-th latest earlier write (k = 1: `latest`). */
function countWithinK(
  ks: KStaleness[],
  read: HistoryOp,
  writes: readonly HistoryOp[],
  prefix: number,
  seesLatest: boolean,
): void {
  for (let k = 0; k < ks.length; k++) {
    const entry = ks[k]!;
    entry.reads++;
    const at = prefix - entry.k;
    if (at < 0 || (entry.k === 1 ? seesLatest : covers(read.context, writes[at]!.clock))) entry.within++;
  }
}

function lastBinAtOrBelow(bins: VisibilityBin[], t: number): VisibilityBin | undefined {
  let found: VisibilityBin | undefined;
  for (let i = 0; i < bins.length; i++) if (bins[i]!.fromMs <= t) found = bins[i];
  return found;
}
