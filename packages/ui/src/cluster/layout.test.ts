import { describe, expect, it } from 'vitest';
import { alongLink, circleLayout } from './layout.ts';

describe('cluster layout', () => {
  it('puts the first node at the top and spaces nodes evenly', () => {
    const positions = circleLayout(['n1', 'n2', 'n3', 'n4'], 100, 100, 50);
    expect(positions.get('n1')).toEqual({ x: 100, y: 50 });
    expect(positions.get('n2')?.x).toBeCloseTo(150);
    expect(positions.get('n3')?.y).toBeCloseTo(150);
  });

  it('moves a message along its link and keeps the two directions apart', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    expect(alongLink(a, b, 0.5, 0)).toEqual({ x: 50, y: 0 });
    expect(alongLink(a, b, 2, 0)).toEqual({ x: 100, y: 0 });
    expect(alongLink(a, b, 0.5).y).toBe(-alongLink(b, a, 0.5).y);
  });
});
