import { describe, expect, it } from 'vitest';
import { sampleEvents } from '../fixtures/sampleData.ts';
import {
  drawnLabel,
  drawnLabelMax,
  faultLabel,
  faultStyle,
  faultStyles,
  faultsFromEvents,
  labelOnLeft,
  markerRows,
} from './timelineModel.ts';

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

  it('writes a label that would pass the right edge to the left of its marker, and stacks by that span', () => {
    const x = (t: number) => t;
    const width = () => 100;
    expect(drawnLabel('kill n2')).toBe('kill n2');
    const long = drawnLabel('settings: N=3 (west 2 + east 1) R=2 W=2, 8 virtual nodes, siblings');
    expect(long.length).toBe(drawnLabelMax);
    expect(long.endsWith('…')).toBe(true);
    expect(labelOnLeft(400, 100, 480)).toBe(true);
    expect(labelOnLeft(300, 100, 480)).toBe(false);
    const rowsOf = (ats: number[]) =>
      markerRows(
        ats.map((at) => ({ at, kind: 'kill' })),
        x,
        width,
        6,
        480,
      );
    // 300's label spans 290–390; 450's, written leftwards, 362–462: they overlap, so two rows.
    expect(rowsOf([300, 450])).toEqual([0, 1]);
    // 150's label ends at 240, before 450's begins at 362: one row.
    expect(rowsOf([150, 450])).toEqual([0, 0]);
  });

  it('reads kills and restarts off node lifecycle events', () => {
    expect(faultsFromEvents(sampleEvents)).toEqual([
      { at: 5_000, kind: 'kill', nodes: ['n2'] },
      { at: 8_000, kind: 'restart', nodes: ['n2'] },
    ]);
  });
});
