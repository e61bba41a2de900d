import { buildRing, extendedPreferenceList, nodeIds } from '@kvscope/engine';
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
    expect(html.includes('class="kv-token-enter"')).toBe(true);
    const still = renderToStaticMarkup(
      <RingView ring={ring(6)} previousRing={ring(5)} n={3} reducedMotion />,
    );
    expect(still.includes('class="kv-token-enter"')).toBe(false);
    expect(count(still, 'data-change="enters"')).toBe(8);
    expect(still.includes('class="kv-moved"')).toBe(false);
  });

  it('says the cluster is under-replicated when N exceeds the nodes', () => {
    const html = renderToStaticMarkup(<RingView ring={ring(2)} n={3} />);
    expect(html).toContain('Under-replicated: N = 3 but the ring has only 2 nodes');
  });
});
