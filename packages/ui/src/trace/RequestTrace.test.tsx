import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { getK17WithRepair, putTimesOut, sampleEvents } from '../fixtures/sampleData.ts';
import { RequestTrace } from './RequestTrace.tsx';

describe('RequestTrace', () => {
  it('draws a lane per node, numbered counted answers, the late one, the reply and the repair', () => {
    const html = renderToStaticMarkup(<RequestTrace requestId="c9" events={getK17WithRepair} />);
    for (const id of ['n5', 'n4', 'n1', 'n2']) expect(html).toContain(`data-lane="${id}"`);
    expect(html).toContain('data-testid="trace-answer-n1" data-state="counted" data-rank="2"');
    expect(html).toContain('data-testid="trace-answer-n2" data-state="late"');
    expect(html).toContain('R=2 reached · reply');
    expect(html).toContain('data-testid="trace-repair-n2"');
    expect(html).toContain('ok in 402 ms');
    expect(html).toContain('data-testid="trace-forward"');
  });

  it('shows a timeout as such, with the replica that never answered and the dropped message', () => {
    const html = renderToStaticMarkup(
      <RequestTrace requestId="c12" events={putTimesOut} messages={putTimesOut} />,
    );
    expect(html).toContain('timed out (outcome unknown)');
    expect(html).toContain('data-testid="trace-answer-n2" data-state="no answer"');
    expect(html).toContain('✕');
  });

  it('labels the time axis from the coordinator’s start, a forward before it negative, labels apart', () => {
    const axis = (width: number) => {
      const html = renderToStaticMarkup(
        <RequestTrace requestId="c9" events={getK17WithRepair} width={width} />,
      );
      const part = html.slice(html.indexOf('data-testid="trace-axis"'));
      return [...part.matchAll(/<text x="([\d.]+)"[^>]*>([^<]+)</g)].map((m) => ({
        x: Number(m[1]),
        label: m[2],
      }));
    };
    const wide = axis(760);
    expect(wide.map((t) => t.label)).toEqual([
      '−400 ms',
      '−200 ms',
      '+0 ms',
      '+200 ms',
      '+400 ms',
      '+600 ms',
    ]);
    for (const [width, gap] of [
      [760, 80],
      [460, 60],
    ] as const) {
      const ticks = axis(width);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < ticks.length; i++)
        expect((ticks[i]?.x as number) - (ticks[i - 1]?.x as number)).toBeGreaterThanOrEqual(gap);
    }
  });

  it('draws a replica still waiting after the start, the word after its stopwatch', () => {
    const justStarted = getK17WithRepair.slice(0, 2); // the forward and the start, nothing after
    const html = renderToStaticMarkup(<RequestTrace requestId="c9" events={justStarted} />);
    const start = Number(/data-testid="trace-start"><circle cx="([\d.]+)"/.exec(html)?.[1]);
    const mark =
      /data-testid="trace-answer-n1" data-state="waiting"><circle cx="([\d.]+)"[\s\S]*?<text x="([\d.]+)"[^>]*text-anchor="start"/.exec(
        html,
      );
    expect(mark).not.toBeNull();
    expect(Number(mark?.[1])).toBeGreaterThan(start);
    expect(Number(mark?.[2])).toBeGreaterThan(Number(mark?.[1]));
  });

  it('says so when the request is not in the buffer', () => {
    expect(renderToStaticMarkup(<RequestTrace requestId="zz" events={sampleEvents} />)).toContain(
      'No trace for request zz',
    );
  });
});
