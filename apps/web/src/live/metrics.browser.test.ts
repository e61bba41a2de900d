/**
 * Metrics over time (metrics.ts): a sample sums the hints every node holds and the outcomes the
 * client counted; the plotted rates are taken over two sampling periods, never below zero, and only
 * from the timeline's start on.
 */

import { nodeIds } from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import { createLabStore } from './labStore.ts';
import { type MetricSample, metricSparklines, sampleMetrics } from './metrics.ts';

describe('metrics over time', () => {
  it('samples the outcomes and the hints held by every node', () => {
    const store = createLabStore(nodeIds(3), 0);
    store.setState({ ops: { ok: 7, fail: 2, info: 1 }, hints: { n1: { n2: 3, n3: 1 }, n2: { n3: 2 } } });
    expect(sampleMetrics(store.getState(), 5_000)).toEqual({ at: 5_000, ok: 7, failed: 3, hints: 6 });
  });

  it('plots rates over two periods, never negative, from the start of the window', () => {
    const samples: MetricSample[] = [
      { at: 0, ok: 0, failed: 0, hints: 0 },
      { at: 1_000, ok: 10, failed: 0, hints: 0 },
      { at: 2_000, ok: 10, failed: 4, hints: 5 }, // the tally of unrecorded requests came late
      { at: 3_000, ok: 30, failed: 4, hints: 2 },
      { at: 4_000, ok: 0, failed: 0, hints: 0 }, // the page started afresh
    ];
    const [answered, failed, hints] = metricSparklines(samples, 0);
    expect(answered?.points).toEqual([
      { at: 2_000, value: 5 },
      { at: 3_000, value: 10 },
      { at: 4_000, value: 0 },
    ]);
    expect(failed?.points.map((p) => p.value)).toEqual([2, 2, 0]);
    expect(hints?.points.map((p) => p.value)).toEqual([0, 0, 5, 2, 0]);
    expect(metricSparklines(samples, 3_000)[0]?.points).toHaveLength(2);
  });
});
