/**
 * The memo test of the lab's heavy views (sameDrawing.ts): equal items in fresh arrays and objects
 * draw the same, callbacks never force a redraw, and any changed value does.
 */
import { describe, expect, it } from 'vitest';
import { sameDrawing } from './sameDrawing.ts';

describe('sameDrawing', () => {
  const ring = { positions: [1, 2] };
  const props = (over: Record<string, unknown> = {}) => ({
    ring,
    n: 3,
    keys: ['a', 'b'],
    placement: { west: 2, east: 1 },
    onSelect: () => {},
    selected: null as string | null,
    ...over,
  });

  it('treats fresh arrays and plain objects with the same items, and new callbacks, as the same drawing', () => {
    expect(sameDrawing(props(), props())).toBe(true);
  });

  it('redraws when a value, an item, a key set or a non-plain object changes', () => {
    expect(sameDrawing(props(), props({ n: 4 }))).toBe(false);
    expect(sameDrawing(props(), props({ keys: ['a', 'c'] }))).toBe(false);
    expect(sameDrawing(props(), props({ keys: ['a'] }))).toBe(false);
    expect(sameDrawing(props(), props({ placement: { west: 2, east: 2 } }))).toBe(false);
    expect(sameDrawing(props(), props({ selected: 'n1' }))).toBe(false);
    expect(sameDrawing(props(), props({ extra: 1 }))).toBe(false);
    expect(sameDrawing(props(), props({ ring: { positions: ring.positions } }))).toBe(true); // one level deep
    expect(sameDrawing(props(), props({ ring: { positions: [1, 2] } }))).toBe(false);
    expect(sameDrawing(props(), props({ ring: new Map() }))).toBe(false);
  });
});
