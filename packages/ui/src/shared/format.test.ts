import { describe, expect, it } from 'vitest';
import { formatCompactCount, formatCount, formatMs } from './format.ts';

describe('number formatting', () => {
  it('writes counts with thousands separators', () => {
    expect(formatCount(1204)).toBe('1,204');
  });

  it('keeps a count short enough for a heading line at any size', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [812, '812'],
      [9_999, '9,999'],
      [10_000, '10.0k'],
      [12_345, '12.3k'],
      [99_949, '99.9k'],
      [99_950, '100k'],
      [123_456, '123k'],
      [999_499, '999k'],
      [999_500, '1.0M'],
      [12_345_678, '12.3M'],
    ];
    for (const [n, text] of cases) expect(formatCompactCount(n), String(n)).toBe(text);
  });

  it('writes durations in ms below 10 s and in s above', () => {
    expect(formatMs(0.42)).toBe('0.4 ms');
    expect(formatMs(1_250)).toBe('1,250 ms');
    expect(formatMs(12_500)).toBe('12.5 s');
  });
});
