/**
 * Value identity for the checkers: two history values are the same value when their canonical
 * JSON is the same (text as text, bytes as base64, set elements as numbers).
 */

import { canonicalJson, type HistoryValue } from '../history.ts';

export function canonicalValue(value: HistoryValue): string {
  return canonicalJson(value);
}
