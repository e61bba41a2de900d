import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FaultTimeline } from './FaultTimeline.tsx';

describe('FaultTimeline', () => {
  it('draws each fault with its words and a sparkline with its latest value', () => {
    const html = renderToStaticMarkup(
      <FaultTimeline
        faults={[
          { at: 2_000, kind: 'kill', nodes: ['n2'] },
          { at: 4_000, kind: 'partition', label: 'n1 n2 | n3 n4 n5', until: 9_000 },
          { at: 9_000, kind: 'heal' },
        ]}
        sparklines={[
          {
            label: 'throughput',
            unit: 'ops/s',
            points: [
              { at: 0, value: 100 },
              { at: 10_000, value: 42 },
            ],
          },
        ]}
        now={6_000}
        onSelectFault={() => {}}
      />,
    );
    expect(html).toContain('aria-label="kill n2 at 2 s"');
    expect(html).toContain('aria-label="n1 n2 | n3 n4 n5 at 4 s until 9 s"');
    expect(html).toContain('>heal<');
    expect(html).toContain('42 ops/s');
    expect(html).toContain('data-testid="timeline-now"');
  });
});
