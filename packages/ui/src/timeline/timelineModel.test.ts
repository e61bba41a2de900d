import { describe, expect, it } from 'vitest';
import { sampleEvents } from '../fixtures/sampleData.ts';
import { faultLabel, faultStyle, faultStyles, faultsFromEvents, markerRows } from './timelineModel.ts';

describe('fault timeline model', () => {
  it('gives every fault kind a distinct shape-and-glyph pair and words, so colour is not needed', () => {
    const pairs = Object.values(faultStyles).map((s) => `${s.shape}:${s.glyph}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(faultLabel({ at: 0, kind: 'kill', nodes: ['n2'] })).toBe('kill n2');
    expect(faultLabel({ at: 0, kind: 'partition', label: 'n1,n2 | n3,n4,n5' })).toBe('n1,n2 | n3,n4,n5');
    expect(faultStyle('meteor').verb).toBe('meteor');
  });

  it('stacks markers that would overlap into rows and keeps distant ones on the first row', () => {
    const x = (t: number) => t; // 1 px per ms
    const width = () => 50;
    const markers = [
      { at: 0, kind: 'kill' },
      { at: 20, kind: 'restart' },
      { at: 30, kind: 'pause' },
      { at: 200, kind: 'heal' },
    ];
    expect(markerRows(markers, x, width)).toEqual([0, 1, 2, 0]);
    expect(markerRows([...markers].reverse(), x, width)).toEqual([0, 2, 1, 0]);
  });

  it('reads kills and restarts off node lifecycle events', () => {
    expect(faultsFromEvents(sampleEvents)).toEqual([
      { at: 5_000, kind: 'kill', nodes: ['n2'] },
      { at: 8_000, kind: 'restart', nodes: ['n2'] },
    ]);
  });
});
