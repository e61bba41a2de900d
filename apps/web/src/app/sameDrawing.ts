/**
 * Whether two prop sets of a view draw the same picture, for `React.memo`: the page re-renders on
 * every batch of events (dozens a second at full speed), but the ring, say, changes only when the
 * membership, the keys or the selection do. Arrays and plain objects compare by their items (a
 * caller may build `[...]` afresh each render); functions compare equal, so a caller must pass
 * callbacks whose behaviour does not depend on when they were made (a ref to the latest handler).
 */
export function sameDrawing<P extends object>(a: P, b: P): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    const x = (a as Record<string, unknown>)[key];
    const y = (b as Record<string, unknown>)[key];
    if (!sameValue(x, y)) return false;
  }
  return true;
}

function sameValue(x: unknown, y: unknown): boolean {
  if (Object.is(x, y)) return true;
  if (typeof x === 'function' && typeof y === 'function') return true;
  if (Array.isArray(x) && Array.isArray(y))
    return x.length === y.length && x.every((item, i) => Object.is(item, y[i]));
  if (isPlain(x) && isPlain(y)) {
    const xs = Object.keys(x);
    return xs.length === Object.keys(y).length && xs.every((k) => Object.is(x[k], y[k]));
  }
  return false;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}
