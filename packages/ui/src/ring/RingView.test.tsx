import { buildRing, extendedPreferenceList, nodeIds, rangeMoves } from '@kvscope/engine';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { RingView } from './RingView.tsx';

const ring = (count: number) => buildRing(nodeIds(count).map((id) => ({ id })));
const count = (html: string, needle: string) => html.split(needle).length - 1;

describe('RingView', () => {
  it('draws every token with its node named, and every key', () => {
    const html = renderToStaticMarkup(<RingView ring={ring(5)} n={3} keys={['a', 'b', 'c']} />);
    expect(count(html, 'data-token=')).toBe(40);
    expect(html).toContain('n3 token #0 at');
    expect(count(html, 'role="option"')).toBe(3);
    expect(html).not.toContain('Under-replicated');
  });

  it('numbers the selected key’s replicas 1..N in preference-list order and marks the fallbacks', () => {
    const r = ring(5);
    const list = extendedPreferenceList(r, 'k17', 3);
    const html = renderToStaticMarkup(<RingView ring={r} n={3} keys={['k17']} selectedKey="k17" />);
    list.nodes.forEach((id, i) => {
      expect(html).toContain(`data-testid="replica-${id}" data-rank="${i + 1}"`);
    });
    for (const id of list.fallbacks) expect(html).toContain(`data-testid="fallback-${id}"`);
    expect(html).toContain('aria-selected="true"');
  });

  it('highlights the ranges that move and the new node’s tokens when a node joins', () => {
    const html = renderToStaticMarkup(<RingView ring={ring(6)} previousRing={ring(5)} n={3} />);
    expect(count(html, 'data-change="enters"')).toBe(8);
    expect(html).toMatch(/\d+ ranges move · [\d.]+%/);
    expect(html.includes('class="kv-moved"')).toBe(true);
    const still = renderToStaticMarkup(
      <RingView ring={ring(6)} previousRing={ring(5)} n={3} reducedMotion />,
    );
    expect(count(still, 'data-change="enters"')).toBe(8);
    expect(still.includes('class="kv-moved"')).toBe(false);
  });

  it('says to whom the ranges move: the joiner receives every one, from the nodes that give them up', () => {
    const before = ring(5);
    const after = ring(6);
    const moves = rangeMoves(before, after, 3).filter((m) => m.gained.length > 0);
    const html = renderToStaticMarkup(<RingView ring={after} previousRing={before} n={3} />);
    expect(count(html, 'data-receiver="n6"')).toBe(moves.length);
    const givers = [...new Set(moves.flatMap((m) => m.lost))].sort();
    expect(html).toContain(`to n6 from ${givers.join(', ')}`);
    const leave = renderToStaticMarkup(<RingView ring={before} previousRing={after} n={3} />);
    expect(count(leave, 'data-change="leaves"')).toBe(8);
    expect(leave).not.toContain('data-receiver="n6"');
    expect(leave).toMatch(/to (n\d, )*n\d from n6/);
  });

  it('says the cluster is under-replicated when N exceeds the nodes', () => {
    const html = renderToStaticMarkup(<RingView ring={ring(2)} n={3} />);
    expect(html).toContain('Under-replicated: N = 3 but the ring has only 2 nodes');
  });
});
