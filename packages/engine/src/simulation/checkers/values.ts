/**
 * Value identity for the checkers: two history values are the same value when their canonical
 * JSON is the same (text as text, bytes as base64, set elements as numbers).
 */

import { canonicalJson, type HistoryValue } from '../history.ts';

export function canonicalValue(value: HistoryValue): string {
  return canonicalJson(value);
}

/**
 * `canonicalValue(a) === canonicalValue(b)`, without encoding in the common case: two strings are
 * the same value exactly when they are equal (JSON string encoding is one-to-one).
 */
export function sameValue(a: HistoryValue, b: HistoryValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return canonicalJson(a) === canonicalJson(b);
}
