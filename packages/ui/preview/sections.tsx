/** The preview's sections: each view with sample data, at the size the lab is likely to give it. */

import { buildRing, nodeIds } from '@kvscope/engine';
import type { ReactElement } from 'react';
import { RingView } from '../src/ring/RingView.tsx';

export interface PreviewSection {
  name: string;
  title: string;
  element: ReactElement;
  fullPage?: boolean;
}

const ring = (count: number) => buildRing(nodeIds(count).map((id) => ({ id })));
const keys = Array.from({ length: 40 }, (_, i) => `k${i}`);

export function previewSections(): PreviewSection[] {
  return [
    {
      name: 'ring-selected-key',
      title: 'Hash ring — key k17 selected (5 nodes, N=3)',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(5)} n={3} keys={keys} selectedKey="k17" unavailable={['n2']} />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'ring-join',
      title: 'Hash ring — n6 joined, node n6 selected',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(6)} previousRing={ring(5)} n={3} keys={keys} selectedNode="n6" />
        </div>
      ),
      fullPage: true,
    },
    {
      name: 'ring-under',
      title: 'Hash ring — 2 nodes, N=3',
      element: (
        <div style={{ width: 620 }}>
          <RingView ring={ring(2)} n={3} keys={keys.slice(0, 5)} selectedKey="k3" />
        </div>
      ),
      fullPage: true,
    },
  ];
}
