import { describe, expect, it } from 'vitest';
import { alongLink, circleLayout, clusterLayout, labelOutside } from './layout.ts';

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

describe('cluster layout with data centres', () => {
  const ids = ['n1', 'n2', 'n3', 'n4', 'n5'];
  const dcOf = { n1: 'west', n2: 'west', n3: 'west', n4: 'east', n5: 'east' };

  it('keeps the single circle when there is one data centre or none', () => {
    const plain = clusterLayout(ids, 560, 440);
    expect(plain.bands).toEqual([]);
    expect(plain.positions).toEqual(circleLayout(ids, 280, 220, 160));
    expect(plain).toMatchObject({ nodeRadius: 30, labelsOutside: false });
    const one = clusterLayout(ids, 560, 440, { n1: 'dc1', n2: 'dc1', n3: 'dc1', n4: 'dc1', n5: 'dc1' });
    expect(one.positions).toEqual(plain.positions);
  });

  it('puts each data centre in its own band, west on the left, every node inside its band', () => {
    const { positions, bands } = clusterLayout(ids, 560, 440, dcOf);
    expect(bands.map((b) => [b.name, b.nodes])).toEqual([
      ['west', 3],
      ['east', 2],
    ]);
    for (const id of ids) {
      const p = positions.get(id) as { x: number; y: number };
      const band = bands.find((b) => b.name === dcOf[id as keyof typeof dcOf]);
      expect(band).toBeDefined();
      if (!band) continue;
      expect(p.x).toBeGreaterThan(band.x + 30);
      expect(p.x).toBeLessThan(band.x + band.width - 30);
      expect(p.y).toBeGreaterThan(band.y + 30);
    }
  });
});

describe('the order of the data-centre bands', () => {
  it('follows the order the map names them in, not the order of the nodes', () => {
    const dcOf = { w1: 'west', w2: 'west', e1: 'east', e2: 'east' };
    const { bands } = clusterLayout(['e1', 'e2', 'w1', 'w2'], 560, 440, dcOf);
    expect(bands.map((b) => b.name)).toEqual(['west', 'east']);
  });

  it('leaves out a data centre none of the drawn nodes is in', () => {
    const dcOf = { w1: 'west', w2: 'west', e1: 'east', c1: 'central' };
    const { bands } = clusterLayout(['e1', 'w1', 'w2'], 560, 440, dcOf);
    expect(bands.map((b) => b.name)).toEqual(['west', 'east']);
  });
});

describe('a crowded circle', () => {
  const ids = Array.from({ length: 16 }, (_, i) => `n${i + 1}`);

  it('draws 16 nodes as smaller discs that do not touch, with their labels outside the circle', () => {
    const { positions, nodeRadius, labelsOutside, centres } = clusterLayout(ids, 560, 440);
    expect(labelsOutside).toBe(true);
    expect(nodeRadius).toBeLessThan(30);
    const [a, b] = [positions.get('n1'), positions.get('n2')] as { x: number; y: number }[];
    expect(Math.hypot((b?.x ?? 0) - (a?.x ?? 0), (b?.y ?? 0) - (a?.y ?? 0))).toBeGreaterThan(
      2 * nodeRadius + 8,
    );
    expect(centres.get('n9')).toEqual({ x: 280, y: 220 });
    expect(clusterLayout(ids.slice(0, 8), 560, 440).labelsOutside).toBe(false);
  });

  it('puts the labels above a node at the top, below one at the bottom and beside one at the side', () => {
    const centre = { x: 100, y: 100 };
    const top = labelOutside({ x: 100, y: 50 }, centre, 20);
    expect(top.anchor).toBe('middle');
    expect(top.y + 16).toBeLessThan(50 - 20); // both lines end above the disc
    const bottom = labelOutside({ x: 100, y: 150 }, centre, 20);
    expect(bottom.y - 13).toBeGreaterThan(150 + 20); // the first line starts below the disc
    expect(labelOutside({ x: 150, y: 100 }, centre, 20)).toMatchObject({ x: 176, anchor: 'start' });
    expect(labelOutside({ x: 50, y: 100 }, centre, 20)).toMatchObject({ x: 24, anchor: 'end' });
  });

  it('sizes the discs for the most crowded data centre, and moves every label out with it', () => {
    const dcOf = Object.fromEntries(ids.map((id, i) => [id, i < 8 ? 'west' : 'east']));
    const { nodeRadius, labelsOutside, centres } = clusterLayout(ids, 560, 440, dcOf);
    expect(labelsOutside).toBe(true);
    expect(nodeRadius).toBeLessThan(30);
    expect(centres.get('n1')).not.toEqual(centres.get('n16'));
  });
});
