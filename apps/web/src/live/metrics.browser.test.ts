/**
 * Metrics over time (metrics.ts): a sample sums the hints every node holds and the outcomes the
 * client counted; the plotted rates are taken over two sampling periods, never below zero, and only
 * from the timeline's start on.
 */

import { nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { createLabStore } from './labStore.ts';
import { type MetricSample, metricSparklines, RequestWindow, sampleMetrics } from './metrics.ts';

describe('metrics over time', () => {
  it('samples the outcomes and the hints held by every node', () => {
    const store = createLabStore(nodeIds(3), 0);
    store.setState({ ops: { ok: 7, fail: 2, info: 1 }, hints: { n1: { n2: 3, n3: 1 }, n2: { n3: 2 } } });
    expect(sampleMetrics(store.getState(), 5_000)).toEqual({
      at: 5_000,
      ok: 7,
      failed: 3,
      hints: 6,
      p50: null,
      p99: null,
      siblingReads: null,
      staleReads: null,
      divergence: null,
    });
  });

  it('plots rates over two periods, never negative, from the start of the window', () => {
    const none = { p50: null, p99: null, siblingReads: null, staleReads: null, divergence: null };
    const samples: MetricSample[] = [
      { at: 0, ok: 0, failed: 0, hints: 0, ...none },
      {
        at: 1_000,
        ok: 10,
        failed: 0,
        hints: 0,
        p50: 2,
        p99: 9,
        siblingReads: 0.25,
        staleReads: 0.5,
        divergence: 0.1,
      },
      { at: 2_000, ok: 10, failed: 4, hints: 5, ...none }, // the tally of unrecorded requests came late
      {
        at: 3_000,
        ok: 30,
        failed: 4,
        hints: 2,
        p50: 1,
        p99: 3,
        siblingReads: 0,
        staleReads: 0,
        divergence: null,
      },
      { at: 4_000, ok: 0, failed: 0, hints: 0, ...none }, // the page started afresh
    ];
    const [answered, failed, available, hints, p99, siblings, stale, diverged] = metricSparklines(samples, 0);
    expect(answered?.points).toEqual([
      { at: 2_000, value: 5 },
      { at: 3_000, value: 10 },
      { at: 4_000, value: 0 },
    ]);
    expect(failed?.points.map((p) => p.value)).toEqual([2, 2, 0]);
    // Answered among ended: 5 of 7, 10 of 12; none ended in the last period, so no point.
    expect(available?.points.map((p) => Math.round(p.value))).toEqual([71, 83]);
    expect(hints?.points.map((p) => p.value)).toEqual([0, 0, 5, 2, 0]);
    expect(metricSparklines(samples, 3_000)[0]?.points).toHaveLength(2);
    // A second in which no request was answered has no latency and no share: no point, not a zero.
    expect(p99?.points).toEqual([
      { at: 1_000, value: 9 },
      { at: 3_000, value: 3 },
    ]);
    expect(siblings?.points.map((p) => p.value)).toEqual([25, 0]);
    expect(stale?.points.map((p) => p.value)).toEqual([50, 0]);
    expect(diverged?.points).toEqual([{ at: 1_000, value: 10 }]);
  });

  it('takes the answered requests’ latency percentiles and the shares of reads with siblings and stale, once', () => {
    const window = new RequestWindow();
    for (let ms = 1; ms <= 100; ms++) window.add(ms, null);
    window.add(500, 2);
    window.add(0.5, 1, true);
    window.add(0.7, 1, false);
    window.add(0.9, 3, false);
    const figures = window.take();
    expect(figures.p50).toBe(49); // nearest rank, as a run report computes it
    expect(figures.p99).toBe(100);
    expect(figures.siblingReads).toBe(0.5);
    expect(figures.staleReads).toBe(0.25);
    expect(window.take()).toEqual({ p50: null, p99: null, siblingReads: null, staleReads: null });
  });
});
