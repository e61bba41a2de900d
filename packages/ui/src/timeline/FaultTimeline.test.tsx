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

  it('puts its ticks on round times as its labels count them, from the origin it is given', () => {
    const origin = 1_764_386_000_123.4; // epoch ms, as the lab's clock reads
    const html = renderToStaticMarkup(
      <FaultTimeline
        faults={[{ at: origin + 12_300, kind: 'kill', nodes: ['n3'] }]}
        start={origin - 8_800}
        end={origin + 21_200}
        timeOrigin={origin}
        formatTime={(at) => `${((at - origin) / 1000).toFixed(1)} s`}
      />,
    );
    const labels = [...html.matchAll(/text-anchor="middle">(-?[\d.]+ s)</g)].map((m) => m[1]);
    expect(labels).toEqual(['-5.0 s', '0.0 s', '5.0 s', '10.0 s', '15.0 s', '20.0 s']);
  });
});
