/**
 * Metrics over time (SPEC §2: "throughput, latency percentiles, availability, stale reads, siblings,
 * hint backlog, replica divergence — as plots"): once a second the page samples what it already counts — the client's
 * outcomes (recorded requests and the tally of unrecorded ones), the latencies of the requests
 * answered in that second and how many of its reads returned siblings or were stale (missed a write
 * acknowledged before they were sent, staleReads.ts; the client's `RequestWindow`), the hints the
 * nodes hold, and the share of keys whose replicas differ (divergence.ts) — and keeps the last two
 * minutes. The fault
 * timeline draws them as sparklines above the faults on the same time axis, so the dip in answered
 * requests after a kill, the failures of a strict quorum during a partition, and a hint backlog
 * building up and draining after the heal line up with the faults that caused them.
 *
 * Rates are taken over two sampling periods: the client adds the tally of unrecorded requests once
 * a second (labClient.ts), and a one-period difference would alternate between none and double.
 */

import { percentile } from '@kvscope/engine';
import type { Sparkline } from '@kvscope/ui';
import { sharedNow } from '../shared/workerApi.ts';
import { appendBounded, hintsHeld, type LabState, type LabStore } from './labStore.ts';

export interface MetricSample {
  at: number;
  /** Requests answered ok, and failed or timed out, since the page opened. */
  ok: number;
  failed: number;
  /** Hints held by every node for every owner. */
  hints: number;
  /** Latency percentiles (ms) of the requests answered ok since the last sample; null: none. */
  p50: number | null;
  p99: number | null;
  /** Share of the gets answered ok since the last sample that returned siblings; null: none. */
  siblingReads: number | null;
  /** Share of them that were stale (missed a write acknowledged before they were sent); null: none. */
  staleReads: number | null;
  /** Share of the workload's keys whose replicas hold different versions (divergence.ts); null: unknown. */
  divergence: number | null;
}

/** What the client saw since the last sample (RequestWindow.take). */
export interface WindowFigures {
  p50: number | null;
  p99: number | null;
  siblingReads: number | null;
  staleReads: number | null;
}

const noRequests: WindowFigures = { p50: null, p99: null, siblingReads: null, staleReads: null };

/** Latencies beyond this many in one sampling period are not kept (the percentiles use the first). */
export const windowLatenciesMax = 20_000;

/**
 * The requests the client had answered since the last sample: their latencies, and how many gets
 * returned more than one version. The client adds every answered request; the sampler takes them.
 */
export class RequestWindow {
  private latencies: number[] = [];
  private reads = 0;
  private readsWithSiblings = 0;
  private staleReads = 0;

  /** An answered request: its latency, and for a get how many versions it returned and if stale. */
  add(latencyMs: number, versions: number | null, stale: boolean | null = null): void {
    if (this.latencies.length < windowLatenciesMax) this.latencies.push(latencyMs);
    if (versions === null) return;
    this.reads++;
    if (versions > 1) this.readsWithSiblings++;
    if (stale) this.staleReads++;
  }

  /** The figures since the last `take`, and a fresh window. */
  take(): WindowFigures {
    // The run report's percentiles (nearest rank), so the live plot and a report read alike.
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (p: number) => (sorted.length ? percentile(sorted, p) : null);
    const figures = {
      p50: at(50),
      p99: at(99),
      siblingReads: this.reads > 0 ? this.readsWithSiblings / this.reads : null,
      staleReads: this.reads > 0 ? this.staleReads / this.reads : null,
    };
    this.latencies = [];
    this.reads = this.readsWithSiblings = this.staleReads = 0;
    return figures;
  }
}

export const metricSampleMs = 1_000;
/** Two minutes of samples. */
export const metricSamplesMax = 120;

export function sampleMetrics(
  state: LabState,
  at: number,
  window = noRequests,
  divergence: number | null = null,
): MetricSample {
  const { ok, fail, info } = state.ops;
  return { at, ok, failed: fail + info, hints: Math.max(0, hintsHeld(state)), ...window, divergence };
}

interface Point {
  at: number;
  value: number;
}

/** Per-second rate of `field` at each sample, over the two periods before it (none before). */
function rate(samples: readonly MetricSample[], field: 'ok' | 'failed'): Point[] {
  const points: Point[] = [];
  for (let i = 2; i < samples.length; i++) {
    const now = samples[i] as MetricSample;
    const then = samples[i - 2] as MetricSample;
    const seconds = (now.at - then.at) / 1_000;
    // Counts only grow, except when the page starts afresh: never draw a negative rate.
    if (seconds > 0) points.push({ at: now.at, value: Math.max(0, now[field] - then[field]) / seconds });
  }
  return points;
}

/** The series the fault timeline draws, from `since` on. */
export function metricSparklines(samples: readonly MetricSample[], since: number): Sparkline[] {
  const recent = (points: Point[]) => points.filter((p) => p.at >= since);
  const answered = rate(samples, 'ok');
  const failed = rate(samples, 'failed');
  return [
    { label: 'answered', unit: 'ops/s', points: recent(answered), colour: '#1a7f37' },
    { label: 'failed', unit: 'ops/s', points: recent(failed), colour: '#cf222e' },
    {
      label: 'availability',
      unit: '%',
      max: 100,
      points: recent(availability(answered, failed)),
      colour: '#116329',
    },
    {
      label: 'hints held',
      points: recent(samples.map((s) => ({ at: s.at, value: s.hints }))),
      colour: '#9a6700',
    },
    { label: 'latency p99', unit: 'ms', points: recent(present(samples, 'p99')), colour: '#0969da' },
    {
      label: 'reads with siblings',
      unit: '%',
      max: 100,
      points: recent(present(samples, 'siblingReads', 100)),
      colour: '#8250df',
    },
    {
      label: 'stale reads',
      unit: '%',
      max: 100,
      points: recent(present(samples, 'staleReads', 100)),
      colour: '#bc4c00',
    },
    {
      label: 'replicas diverged',
      unit: '%',
      max: 100,
      points: recent(present(samples, 'divergence', 100)),
      colour: '#57606a',
    },
  ];
}

/**
 * The share of requests answered ok among those that ended, at each point of the two rates (which
 * share their instants); none where no request ended.
 */
function availability(answered: readonly Point[], failed: readonly Point[]): Point[] {
  const points: Point[] = [];
  answered.forEach((ok, i) => {
    const total = ok.value + (failed[i]?.value ?? 0);
    if (total > 0) points.push({ at: ok.at, value: (100 * ok.value) / total });
  });
  return points;
}

/** `field` of the samples that have it (a second with no request has none), times `scale`. */
function present(
  samples: readonly MetricSample[],
  field: 'p99' | 'siblingReads' | 'staleReads' | 'divergence',
  scale = 1,
) {
  const points = [];
  for (const s of samples) {
    const value = s[field];
    if (value !== null) points.push({ at: s.at, value: value * scale });
  }
  return points;
}

/** Samples the store once a second while started. */
export class MetricsSampler {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(
    private readonly store: LabStore,
    /** The client's answered requests (latencies, siblings); none for a store without a client. */
    private readonly requests: RequestWindow | null = null,
    /** The latest replica divergence measured (divergence.ts), if anything measures it. */
    private readonly divergence: () => number | null = () => null,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sample(), metricSampleMs);
    this.sample();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private sample(): void {
    const window = this.requests?.take();
    this.store.setState((s) => ({
      metrics: appendBounded(
        s.metrics,
        [sampleMetrics(s, sharedNow(), window, this.divergence())],
        metricSamplesMax,
      ),
    }));
  }
}
