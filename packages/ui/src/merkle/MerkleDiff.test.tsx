import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MerkleDiff } from './MerkleDiff.tsx';
import type { MerkleExchangeView } from './merkleModel.ts';

/** n1 and n2 compare a range; the difference is under node 3, then under both of 3's children. */
const repaired: MerkleExchangeView = {
  key: 'n1#4@100',
  exchange: 'n1#4',
  initiator: 'n1',
  peer: 'n2',
  range: { start: 0x4000_0000, end: 0x5000_0000 },
  trigger: 'manual',
  startedAt: 100,
  levels: [
    { depth: 0, by: 'n2', compared: 1, differing: 1, nodes: [1] },
    { depth: 1, by: 'n1', compared: 2, differing: 1, nodes: [3] },
    { depth: 2, by: 'n2', compared: 2, differing: 2, nodes: [6, 7] },
  ],
  repairs: [
    { node: 'n2', from: 'n1', keys: 5, bytes: 600 },
    { node: 'n2', from: 'n1', keys: 2, bytes: 240 },
  ],
  done: { at: 112, outcome: 'repaired', messages: 6, bytes: 1_400, keysRepaired: 7, durationMs: 12 },
};

describe('MerkleDiff', () => {
  it('highlights the differing branch level by level and greys out what was never compared', () => {
    const html = renderToStaticMarkup(<MerkleDiff exchange={repaired} rangeKeys={200} keyBytes={6} />);
    expect(html).toContain('n1 ↔ n2');
    expect(html).toContain('25.0%–31.3% of the ring');
    expect(html).toContain('data-testid="merkle-outcome">repaired');
    expect(html).toContain('data-testid="merkle-cell-1" data-verdict="differing"');
    expect(html).toContain('data-testid="merkle-cell-2" data-verdict="equal"');
    expect(html).toContain('data-testid="merkle-cell-3" data-verdict="differing"');
    // Node 2 was equal: its children were never compared. Node 3's children both differ.
    expect(html).toContain('data-testid="merkle-cell-4" data-verdict="not compared"');
    expect(html).toContain('data-testid="merkle-cell-6" data-verdict="differing"');
    expect(html).toContain('data-testid="merkle-row-3" data-compared="no"');
    expect(html).toContain('1 of 2 differ');
    expect(html).toContain('depth 1, compared by n1: 1 of 2 differ; depth 2, compared by n2: 2 of 2 differ');
    expect(html).not.toContain('data-testid="merkle-deeper"');
  });

  it('puts the traffic beside the estimated full digest list, and the repairs by direction', () => {
    const html = renderToStaticMarkup(<MerkleDiff exchange={repaired} rangeKeys={200} keyBytes={6} />);
    // 1,400 bytes, of which the repaired events received 840 as versions.
    expect(html).toContain('1.4 KiB in 6 messages, 12 ms: ≈ 560 B comparing trees + 840 B versions');
    // 200 keys × (6 + 8) bytes = 2,800 B.
    expect(html).toContain(
      '≈ 2.7 KiB of digests (estimate: 200 keys × (6 B key + 8 B digest)) + the same versions',
    );
    expect(html).toContain('of 200 in the range (versions sent)');
    expect(html).toContain('n2 ← n1: 7 changed, 840 B received');
    const one = renderToStaticMarkup(<MerkleDiff exchange={repaired} rangeKeys={1} keyBytes={6} />);
    expect(one).toContain('(estimate: 1 key × (6 B key + 8 B digest))');
  });

  it('summarises depths below the drawing and says when a level named only some differing nodes', () => {
    const deep: MerkleExchangeView = {
      ...repaired,
      levels: [
        ...repaired.levels,
        {
          depth: 7,
          by: 'n1',
          compared: 200,
          differing: 90,
          nodes: Array.from({ length: 64 }, (_, i) => 256 + i),
        },
        { depth: 9, by: 'n1', compared: 4, differing: 3, nodes: [1024, 1025, 1030] },
      ],
      done: null,
    };
    const html = renderToStaticMarkup(<MerkleDiff exchange={deep} rangeKeys={null} keyBytes={6} />);
    expect(html).toContain('+ 93 differing nodes below depth 5 (the comparison went down to depth 9)');
    expect(html).toContain('At depth 7 the event names only the first 64 differing nodes');
    expect(html).toContain('running…');
    expect(html).toContain('key count not known yet');
  });
});
