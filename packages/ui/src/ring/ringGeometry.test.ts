import {
  buildRing,
  extendedPreferenceList,
  keyPosition,
  type NodeId,
  nodeIds,
  replicasFor,
  ringSize,
} from '@kvscope/engine';
import { describe, expect, it } from 'vitest';
import {
  angleOf,
  arcSpan,
  keysClockwise,
  ownedArcs,
  pointAt,
  preferenceWalk,
  spreadAngles,
  stepKey,
  tokenChanges,
} from './ringGeometry.ts';

const members = (count: number) => nodeIds(count).map((id) => ({ id }));

describe('ring geometry', () => {
  it('puts position 0 at twelve o’clock and a quarter of the ring at three o’clock', () => {
    expect(pointAt(angleOf(0), 100)).toEqual({ x: 0, y: -100 });
    const quarter = pointAt(angleOf(ringSize / 4), 100);
    expect(quarter.x).toBeCloseTo(100);
    expect(quarter.y).toBeCloseTo(0);
  });

  it('gives every token its arc, the arcs tile the circle, and the wrapping arc starts below zero', () => {
    const ring = buildRing(members(5));
    const arcs = ownedArcs(ring);
    expect(arcs).toHaveLength(40);
    const total = arcs.reduce((sum, a) => sum + (a.endAngle - a.startAngle), 0);
    expect(total).toBeCloseTo(2 * Math.PI);
    expect(arcs[0]?.startAngle).toBeLessThan(0);
    for (const a of arcs) expect(a.startAngle).toBeLessThan(a.endAngle);
  });

  it('spans a range that wraps past zero with start < end', () => {
    const span = arcSpan(ringSize - 100, 100);
    expect(span.startAngle).toBeLessThan(0);
    expect(span.endAngle - span.startAngle).toBeCloseTo((200 / ringSize) * 2 * Math.PI);
  });

  it('walks the ring in the same order as the engine’s extended preference list', () => {
    const ring = buildRing(members(6));
    for (const key of ['apple', 'k17', 'pear', 'zebra', '']) {
      const walk = preferenceWalk(ring, key, 3);
      const list = extendedPreferenceList(ring, key, 3);
      expect(walk.map((s) => s.node)).toEqual([...list.nodes, ...list.fallbacks]);
      expect(walk.map((s) => s.role)).toEqual([
        'replica',
        'replica',
        'replica',
        'fallback',
        'fallback',
        'fallback',
      ]);
      expect(walk[0]?.tokenIndex).toBe(list.tokenIndex);
    }
  });

  it('marks every node a replica when N exceeds the cluster (under-replicated)', () => {
    const walk = preferenceWalk(buildRing(members(2)), 'k1', 3);
    expect(walk.map((s) => s.role)).toEqual(['replica', 'replica']);
  });

  it('tells entering and leaving tokens apart when a node joins or leaves', () => {
    const five = buildRing(members(5));
    const six = buildRing(members(6));
    const joined = tokenChanges(six, five);
    expect(joined.filter((t) => t.change === 'enters').map((t) => t.node)).toEqual(Array(8).fill('n6'));
    expect(joined.filter((t) => t.change === 'stays')).toHaveLength(40);
    const left = tokenChanges(five, six);
    expect(left.filter((t) => t.change === 'leaves')).toHaveLength(8);
    expect(tokenChanges(five).every((t) => t.change === 'stays')).toBe(true);
  });

  it('orders keys clockwise and steps through them with wrap-around', () => {
    const ordered = keysClockwise(['b', 'a', 'c', 'a']);
    expect(ordered).toHaveLength(3);
    expect(ordered.map((k) => k.position)).toEqual([...ordered.map((k) => k.position)].sort((x, y) => x - y));
    expect(ordered[0]?.position).toBe(Math.min(...['a', 'b', 'c'].map(keyPosition)));
    const last = ordered[2]?.key as string;
    expect(stepKey(ordered, last, 1)).toBe(ordered[0]?.key);
    expect(stepKey(ordered, ordered[0]?.key, -1)).toBe(last);
    expect(stepKey(ordered, null, 1)).toBe(ordered[0]?.key);
    expect(stepKey([], null, 1)).toBeNull();
  });

  it('pushes badge angles apart to the minimum gap and leaves spaced ones alone', () => {
    const spread = spreadAngles([1, 1.01, 3], 0.2);
    expect((spread[1] as number) - (spread[0] as number)).toBeGreaterThanOrEqual(0.2 - 1e-9);
    expect(spread[2]).toBe(3);
    expect(spreadAngles([0.5, 0.1], 0.1)).toEqual([0.5, 0.1]);
  });

  it('with replicas per data centre, marks as replicas exactly the nodes the placement chooses', () => {
    const dc = (id: string, dataCentre: string) => ({ id: id as NodeId, dataCentre });
    const ring = buildRing([
      dc('n1', 'west'),
      dc('n2', 'west'),
      dc('n3', 'west'),
      dc('n4', 'east'),
      dc('n5', 'east'),
    ]);
    const placement = { west: 2, east: 1 };
    for (const key of ['apple', 'pear', 'k1', 'k2', 'k3', 'k4']) {
      const replicas = replicasFor(ring, key, placement).nodes;
      const walk = preferenceWalk(ring, key, placement);
      const marked = walk.filter((s) => s.role === 'replica').sort((a, b) => a.rank - b.rank);
      expect(marked.map((s) => s.node)).toEqual([...replicas]);
    }
  });
});
