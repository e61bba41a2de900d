/**
 * The gossip matrix fits its panel at the lab's width on a 1280×720 screen: full-size cells up to
 * eight nodes (the eighth column was cut off, and the caption with it), compact ones past that, up
 * to the lab's sixteen. Rendered with the lab's own style sheet into a box as wide as the panel.
 */

import { type NodeId, nodeIds } from '@kvscope/engine';
import { createElement } from 'react';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabState } from '../live/labStore.ts';
import { GossipPanel } from './GossipPanel.tsx';
import './lab.css';

/** The right column's width at 1280 px (the panel's border box). */
const panelWidth = 482;

function stateOf(order: NodeId[]): LabState {
  const membership = order.map((id) => ({
    id,
    status: 'alive',
    heartbeat: 1,
    silentForMs: 0,
    reporters: [],
  }));
  const snapshots = Object.fromEntries(order.map((id) => [id, { id, membership }]));
  return { order, snapshots, selection: { node: null } } as unknown as LabState;
}

describe('the gossip matrix', () => {
  let host: HTMLDivElement | null = null;
  afterEach(() => host?.remove());

  for (const [nodes, dense] of [
    [5, false],
    [8, false],
    [9, true],
    [16, true],
  ] as const) {
    it(`fits the panel with ${nodes} nodes, ${dense ? 'compact' : 'full-size'} cells`, () => {
      host = document.createElement('div');
      host.style.width = `${panelWidth}px`;
      document.body.append(host);
      const root = createRoot(host);
      flushSync(() =>
        root.render(createElement(GossipPanel, { state: stateOf(nodeIds(nodes)), onSelect: () => {} })),
      );
      const box = host.querySelector('.matrix-box') as HTMLElement;
      const table = host.querySelector('table') as HTMLTableElement;
      expect(table.rows.length).toBe(nodes + 1);
      expect(table.classList.contains('dense')).toBe(dense);
      expect(table.getBoundingClientRect().width).toBeLessThanOrEqual(box.clientWidth);
      root.unmount();
    });
  }
});
