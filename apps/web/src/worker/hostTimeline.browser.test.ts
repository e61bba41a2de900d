/**
 * The host timeline a latency study reads (hostTimeline.ts): marks are kept only between start and
 * stop, in order and on the shared clock; a stopped recording is readable until the next start or a
 * clear; a full recording drops further marks and says how many.
 */

import { describe, expect, it } from 'vitest';
import { HostTimeline, timelineMarksMax } from './hostTimeline.ts';

describe('host timeline', () => {
  it('keeps only the marks made while recording, in order', () => {
    const timeline = new HostTimeline();
    timeline.mark('request', 'put');
    expect(timeline.recorded()).toBeNull();
    timeline.start();
    timeline.mark('request', 'put');
    timeline.mark('message', 'replica-put-ack', 'n2');
    expect(timeline.recorded()).toBeNull(); // still recording
    timeline.stop();
    timeline.mark('reply', 'put');
    const marks = timeline.recorded();
    expect(marks?.kind).toEqual(['request', 'message']);
    expect(marks?.detail).toEqual(['put', 'replica-put-ack n2']);
    expect(marks?.at[1]).toBeGreaterThanOrEqual(marks?.at[0] ?? Number.POSITIVE_INFINITY);
  });

  it('starts afresh, and a clear discards the recording', () => {
    const timeline = new HostTimeline();
    timeline.start();
    timeline.mark('sync');
    timeline.start();
    timeline.mark('synced');
    timeline.stop();
    expect(timeline.recorded()?.kind).toEqual(['synced']);
    timeline.clear();
    expect(timeline.recorded()).toBeNull();
  });

  it('drops the marks beyond its bound and counts them', () => {
    const timeline = new HostTimeline();
    timeline.start();
    for (let i = 0; i < timelineMarksMax + 3; i++) timeline.mark('post');
    timeline.stop();
    expect(timeline.recorded()?.at.length).toBe(timelineMarksMax);
    expect(timeline.recorded()?.dropped).toBe(3);
  });
});
