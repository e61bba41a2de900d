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

  it('says so when the request is not in the buffer', () => {
    expect(renderToStaticMarkup(<RequestTrace requestId="zz" events={sampleEvents} />)).toContain(
      'No trace for request zz',
    );
  });
});
