/**
 * The client's timeouts on one timer (deadlines.ts): a request that is not answered in time is
 * given up exactly once, at its own deadline, and an answered (cancelled) one never is.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './deadlines.ts';

describe('client deadlines on one timer', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires each deadline once when it passes, earliest first, and never a cancelled one', () => {
    const deadlines = new Deadlines();
    const expired: string[] = [];
    const t0 = performance.now();
    deadlines.add(t0 + 100, () => expired.push('a'));
    deadlines.add(t0 + 50, () => expired.push('b')); // earlier than the armed timer: re-arms it
    const c = deadlines.add(t0 + 70, () => expired.push('c'));
    deadlines.add(t0 + 300, () => expired.push('d'));
    deadlines.cancel(c); // answered in time
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(['b']);
    vi.advanceTimersByTime(60);
    expect(expired).toEqual(['b', 'a']);
    vi.advanceTimersByTime(1_000);
    expect(expired).toEqual(['b', 'a', 'd']);
  });

  it('keeps timing out requests added after the timer has fired', () => {
    const deadlines = new Deadlines();
    const expired: number[] = [];
    deadlines.add(performance.now() + 10, () => expired.push(1));
    vi.advanceTimersByTime(20);
    deadlines.add(performance.now() + 10, () => expired.push(2));
    vi.advanceTimersByTime(20);
    expect(expired).toEqual([1, 2]);
  });
});
