/**
 * The page's own link (`?nodes=`, `?delay=`, `?workload=`): what it may ask for is used, and each
 * value the lab cannot use is left out with a sentence saying so, instead of being used as it came
 * (`?delay=abc` ran the links at no delay) or dropped without a word (`?nodes=2`).
 */
import { describe, expect, it } from 'vitest';
import { defaultDelayMs, readPageLink } from './pageLink.ts';
import { defaultSettings } from './settings.ts';

const read = (search: string) => readPageLink(search, defaultSettings);

describe('the page link', () => {
  it('uses what a link may ask for, and nothing is said', () => {
    const link = read('?nodes=16&delay=0&workload=off');
    expect(link.settings).toEqual({ ...defaultSettings, nodes: 16 });
    expect(link).toMatchObject({ nodesAsked: true, delayMs: 0, workloadOff: true, ignored: [] });
    expect(read('')).toEqual({
      settings: defaultSettings,
      nodesAsked: false,
      delayMs: defaultDelayMs,
      workloadOff: false,
      ignored: [],
    });
    expect(read('?delay=1000&workload=on')).toMatchObject({ delayMs: 1000, workloadOff: false, ignored: [] });
  });

  it('leaves out a node count the lab cannot start, and says why', () => {
    const small = read('?nodes=2');
    expect(small.settings).toBe(defaultSettings);
    expect(small.nodesAsked).toBe(false);
    expect(small.ignored).toEqual([
      'The link asks for “2” nodes, which the lab does not start: N=3 needs 3 distinct nodes, but the cluster has 2; choose N ≤ 2.',
    ]);
    expect(read('?nodes=abc').ignored).toEqual([
      'The link asks for “abc” nodes, which the lab does not start: that is not a whole number of nodes.',
    ]);
    expect(read('?nodes=').ignored).toHaveLength(1);
    expect(read('?nodes=2.5').ignored).toHaveLength(1);
    expect(read('?nodes=33').ignored).toEqual([
      'The link asks for “33” nodes, which the lab does not start: a link may start at most 32.',
    ]);
  });

  it('leaves out a delay that is no whole number of milliseconds from 0 to 2,000, and says why', () => {
    for (const delay of ['abc', '-5', '1e9', '2001', '12.5', '', 'NaN', 'Infinity']) {
      const link = read(`?delay=${delay}`);
      expect(link.delayMs, delay).toBe(defaultDelayMs);
      expect(link.ignored, delay).toEqual([
        `The link's delay “${delay}” is not a whole number of milliseconds from 0 to 2,000; the links take 400 ms.`,
      ]);
    }
    expect(read('?delay=2000').delayMs).toBe(2000);
  });

  it('says so for a workload that is neither on nor off, and cuts a long value short', () => {
    expect(read('?workload=maybe')).toMatchObject({
      workloadOff: false,
      ignored: ["The link's workload “maybe” is neither on nor off; the workload runs."],
    });
    const long = read(`?delay=${'9'.repeat(40)}`).ignored[0];
    expect(long).toContain(`“${'9'.repeat(24)}…”`);
  });
});
