/**
 * Byte-string helpers every layer uses (storage formats, sibling sets, tests), kept here so no layer
 * imports another just to compare bytes.
 */

/** Whether two byte strings are equal (`undefined`, a missing value, equals nothing). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  if (a === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
