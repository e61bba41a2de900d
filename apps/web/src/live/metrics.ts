/**
 * Metrics over time (SPEC §2: "throughput, availability, hint backlog … as plots"): once a second
 * the page samples what it already counts — the client's outcomes (recorded requests and the tally
 * of unrecorded ones) and the hints the nodes hold — and keeps the last two minutes. The fault
 * timeline draws them as sparklines above the faults on the same time axis, so the dip in answered
 * requests after a kill, the failures of a strict quorum during a partition, and a hint backlog
 * building up and draining after the heal line up with the faults that caused them.
 *
 * Rates are taken over two sampling periods: the client adds the tally of unrecorded requests once
 * a second (labClient.ts), and a one-period difference would alternate between none and double.
 */

import type { Sparkline } from '@kvscope/ui';
import { sharedNow } from '../shared/workerApi.ts';
import { appendBounded, type LabState, type LabStore } from './labStore.ts';

export interface MetricSample {
  at: number;
  /** Requests answered ok, and failed or timed out, since the page opened. */
  ok: number;
  failed: number;
  /** Hints held by every node for every owner. */
  hints: number;
}

export const metricSampleMs = 1_000;
/** Two minutes of samples. */
export const metricSamplesMax = 120;

export function sampleMetrics(state: LabState, at: number): MetricSample {
  let hints = 0;
  for (const owners of Object.values(state.hints)) for (const count of Object.values(owners)) hints += count;
  return { at, ok: state.ops.ok, failed: state.ops.fail + state.ops.info, hints: Math.max(0, hints) };
}

/** Per-second rate of `field` at each sample, over the two periods before it (none before). */
function rate(samples: readonly MetricSample[], field: 'ok' | 'failed') {
  const points = [];
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
  const recent = (points: { at: number; value: number }[]) => points.filter((p) => p.at >= since);
  return [
    { label: 'answered', unit: 'ops/s', points: recent(rate(samples, 'ok')), colour: '#1a7f37' },
    { label: 'failed', unit: 'ops/s', points: recent(rate(samples, 'failed')), colour: '#cf222e' },
    {
      label: 'hints held',
      points: recent(samples.map((s) => ({ at: s.at, value: s.hints }))),
      colour: '#9a6700',
    },
  ];
}

/** Samples the store once a second while started. */
export class MetricsSampler {
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly store: LabStore) {}

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
    this.store.setState((s) => ({
      metrics: appendBounded(s.metrics, [sampleMetrics(s, sharedNow())], metricSamplesMax),
    }));
  }
}
